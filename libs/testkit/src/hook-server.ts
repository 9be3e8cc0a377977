import { type Server, createServer } from 'node:http';

/** What a test hook answers to one request. */
export type HookReply =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown; readonly delayMs?: number }
  | { readonly kind: 'raw'; readonly status?: number; readonly text: string }
  | { readonly kind: 'hang' };

/** One request a hook received. */
export interface HookCall {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received (signature checks). */
  readonly raw: string;
}

/**
 * A real HTTP server on an ephemeral port serving a test's webhooks (RegHook,
 * CallHook, StatusHook): each path answers what `route(path, fn)` says, any
 * other path what `otherwise` says (by default 404), and every request is
 * recorded.
 */
export class HookServer {
  readonly calls: HookCall[] = [];
  readonly #routes = new Map<string, (body: Record<string, unknown>, n: number) => HookReply>();
  /** The answer to a path without a route. */
  otherwise: (body: Record<string, unknown>, n: number) => HookReply = () => ({ kind: 'raw', status: 404, text: 'no route' });
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
        const path = req.url ?? '';
        this.calls.push({ path, body, headers: req.headers, raw: data });
        const n = this.calls.filter((c) => c.path === path).length - 1;
        const r = (this.#routes.get(path) ?? this.otherwise)(body, n);
        if (r.kind === 'hang') return; // never answers: the caller's timeout fires
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
          res.end(r.kind === 'json' ? JSON.stringify(r.body) : r.text);
        };
        if (r.kind === 'json' && r.delayMs) setTimeout(send, r.delayMs);
        else send();
      });
    });
  }

  /** Answers `path` with `fn(body, n)`, `n` counting that path's requests from 0. */
  route(path: string, fn: (body: Record<string, unknown>, n: number) => HookReply): void {
    this.#routes.set(path, fn);
  }

  /** Answers `path` with the JSON `body` every time. */
  json(path: string, body: unknown): void {
    this.route(path, () => ({ kind: 'json', body }));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  callsTo(path: string): HookCall[] {
    return this.calls.filter((c) => c.path === path);
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
