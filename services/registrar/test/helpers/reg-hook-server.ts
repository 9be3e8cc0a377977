import { type Server, createServer } from 'node:http';

/** What the test RegHook answers next. */
export type HookReply =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown }
  | { readonly kind: 'raw'; readonly status?: number; readonly text: string }
  | { readonly kind: 'hang' };

/** One request the RegHook received. */
export interface HookCall {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
  /** The body exactly as received (for signature checks). */
  readonly raw: string;
}

/** A real HTTP RegHook on an ephemeral port whose answer each test sets. */
export class RegHookServer {
  readonly calls: HookCall[] = [];
  reply: HookReply = { kind: 'json', body: { status: 'ok' } };
  readonly #server: Server;
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => {
        data += c.toString();
      });
      req.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(data) as Record<string, unknown>;
        } catch {
          // recorded as empty
        }
        this.calls.push({ path: req.url ?? '', headers: req.headers, body, raw: data });
        const r = this.reply;
        if (r.kind === 'hang') return; // never answers: the registrar's timeout fires
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
        res.end(r.kind === 'json' ? JSON.stringify(r.body) : r.text);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/reghook`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const a = this.#server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
