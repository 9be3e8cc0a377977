import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test receiver saw it. */
export interface Received {
  id: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  at: number;
}

/** How the receiver answers one request. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export type Behaviour = (req: Received, nth: number) => Answer;

/** A real HTTP StatusHook receiver on an ephemeral port that records every request. */
export class TestReceiver {
  readonly received: Received[] = [];
  behaviour: Behaviour = () => ({ status: 200 });
  private server: http.Server | undefined;
  private port_ = 0;
  private readonly sockets = new Set<import('node:net').Socket>();

  get port(): number {
    return this.port_;
  }

  url(path = '/status'): string {
    return `http://127.0.0.1:${this.port_}${path}`;
  }

  /** Starts listening (on the previous port after {@link stop}, so the URL stays valid). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw);
        } catch {
          body = {};
        }
        const rec: Received = { id: String(req.headers['webhook-id']), headers: req.headers, raw, body, at: Date.now() };
        this.received.push(rec);
        const answer = this.behaviour(rec, this.received.length);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end('ok');
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
        else send();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port_, '127.0.0.1', () => resolve());
    });
    this.port_ = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: the receiver is "down". */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Distinct webhook-ids received with a 2xx answer is not tracked here; callers dedupe `received`. */
  ids(): Set<string> {
    return new Set(this.received.map((r) => r.id));
  }
}
