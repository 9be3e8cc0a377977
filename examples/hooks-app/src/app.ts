import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { checkDigest, type DigestFields } from './digest.js';

/** Options of the sample hooks app. */
export interface HooksAppOptions {
  /** Extension → SIP password, checked by the RegHook. @defaultValue 1000..1009 with password `password<ext>` */
  users?: Record<string, string>;
  /** Base URL this app is reachable at, used in the dialplans it hands out. @defaultValue `http://127.0.0.1:3000` */
  baseUrl?: string;
  /** Called for every StatusHook event. @defaultValue logs one JSON line */
  onStatus?: (event: Record<string, unknown>) => void;
}

const defaultUsers = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`100${i}`, `password100${i}`]));

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The webhook side of a small office: extensions 1000–1009 register with a
 * password, dialling another extension rings it (after a greeting when the
 * callee does not answer), and every call event is logged.
 */
export function createHooksApp(options: HooksAppOptions = {}): Server {
  const users = options.users ?? defaultUsers;
  const baseUrl = options.baseUrl ?? 'http://127.0.0.1:3000';
  const onStatus = options.onStatus ?? ((e) => process.stdout.write(`${JSON.stringify({ statusHook: e })}\n`));

  return createServer((req, res) => {
    // Liveness and readiness as every service of the stack answers them: ready once listening.
    if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/readyz')) return send(res, 200, { status: 'ok' });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    readJson(req)
      .then((body) => {
        const b = body as Record<string, unknown>;
        switch (req.url) {
          case '/reghook': {
            const d = b as unknown as DigestFields;
            const password = typeof d.username === 'string' ? users[d.username] : undefined;
            if (password === undefined || !checkDigest(d, password)) return send(res, 200, { status: 'fail' });
            return send(res, 200, {
              status: 'ok',
              expires: 300,
              dialplan: {
                '10??': { callHook: `${baseUrl}/callhook`, statusHook: `${baseUrl}/statushook` },
                '*': `${baseUrl}/callhook`,
              },
              codecs: ['PCMU', 'PCMA', 'G722'],
            });
          }
          case '/callhook': {
            const to = String(b.to ?? '');
            if (!/^10\d\d$/.test(to)) {
              return send(res, 200, [{ verb: 'announce', url: 'file:/greeting.wav' }, { verb: 'response', code: 404 }]);
            }
            return send(res, 200, [
              { verb: 'connect', dest: [{ type: 'client', address: to, timeout: 20 }], statusLabel: 'ring' },
              { verb: 'announce', url: 'file:/greeting.wav' },
              { verb: 'response', code: 480 },
            ]);
          }
          case '/statushook':
            onStatus(b);
            return send(res, 200, { ok: true });
          default:
            return send(res, 404, { error: `no hook at ${req.url}` });
        }
      })
      .catch(() => send(res, 400, { error: 'body is not JSON' }));
  });
}
