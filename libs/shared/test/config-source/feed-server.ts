import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the test feed server answers next; tests change it between polls. */
export interface FeedBehaviour {
  status: number;
  body: string;
  etag: string | undefined;
  /** Delay before answering, ms. */
  delayMs: number;
  /** Token the server requires; a request without it gets 401. */
  token: string | undefined;
}

/** A real HTTP server playing the admin UI's `/api/v1/domains` feed. */
export interface FeedServer {
  readonly url: string;
  readonly behaviour: FeedBehaviour;
  readonly requests: { headers: IncomingHttpHeaders; status: number }[];
  /** Serves `body` with a fresh ETag derived from a counter. */
  serve(body: unknown): void;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  let n = 0;
  const behaviour: FeedBehaviour = { status: 200, body: '{"domains":[]}', etag: undefined, delayMs: 0, token: undefined };
  const requests: FeedServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const answer = () => {
      let status = behaviour.status;
      if (behaviour.token && req.headers.authorization !== `Bearer ${behaviour.token}`) status = 401;
      else if (status === 200 && behaviour.etag && req.headers['if-none-match'] === behaviour.etag) status = 304;
      requests.push({ headers: req.headers, status });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (behaviour.etag && (status === 200 || status === 304)) headers.etag = behaviour.etag;
      res.writeHead(status, headers);
      res.end(status === 200 ? behaviour.body : status === 304 ? undefined : '{"error":"nope"}');
    };
    if (behaviour.delayMs > 0) setTimeout(answer, behaviour.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/domains`,
    behaviour,
    requests,
    serve(body) {
      behaviour.status = 200;
      behaviour.body = JSON.stringify(body);
      behaviour.etag = `"v${++n}"`;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
