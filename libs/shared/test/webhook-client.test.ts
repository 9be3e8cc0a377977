import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookClientOptionsFromEnv } from '../src/webhook/webhook-client-options.js';
import { type Tracing, startTracing } from '../src/observability/start-tracing.js';
import { createWebhookClient } from '../src/webhook/webhook-client.js';
import { verifyWebhook } from '../src/webhook/verify-webhook.js';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
async function hookServer(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

const json = (status: number, text: string): Handler => (_q, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
};

let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ serviceName: 'webhook-test', env: {} });
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
afterAll(async () => {
  await tracing?.shutdown();
});

describe('webhook client', () => {
  it('posts JSON, parses the answer, signs and sends traceparent', async () => {
    const { url, seen } = await hookServer(json(200, '{"status":"ok","expires":60}'));
    const client = createWebhookClient({ signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    try {
      const traceId = 'a'.repeat(32);
      const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
      const res = await context.with(parent, () => client.post(url, { username: 'alice', realm: 'example.com' }));
      expect(res).toMatchObject({ ok: true, statusCode: 200, body: { status: 'ok', expires: 60 } });
      const req = seen[0];
      expect(req?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req?.body ?? '')).toEqual({ username: 'alice', realm: 'example.com' });
      // no exporter here: the hook sees the caller's own context, not a span nobody will see
      expect(req?.headers.traceparent).toBe(`00-${traceId}-${'b'.repeat(16)}-01`);
      expect(req?.headers['webhook-id']).toBe(res.webhookId);
      // the receiving side verifies with the public helper
      expect(verifyWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', req?.headers ?? {}, req?.body ?? '').id).toBe(res.webhookId);
      expect(() => verifyWebhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA', req?.headers ?? {}, req?.body ?? '')).toThrow(/no matching/);
    } finally {
      client.close();
    }
  });

  it('takes HOOK_TIMEOUT_MS and HOOK_SIGNING_SECRET from the environment', async () => {
    const { url, seen } = await hookServer(json(200, '{}'));
    const opts = webhookClientOptionsFromEnv({ HOOK_TIMEOUT_MS: 1234, HOOK_SIGNING_SECRET: 'env-secret' });
    expect(opts).toEqual({ timeoutMs: 1234, signingSecret: 'env-secret' });
    expect(webhookClientOptionsFromEnv({ HOOK_TIMEOUT_MS: 3000, HOOK_SIGNING_SECRET: undefined })).toEqual({ timeoutMs: 3000 });
    const client = createWebhookClient(opts);
    try {
      await client.post(url, { a: 1 });
      expect(verifyWebhook('env-secret', seen[0]?.headers ?? {}, seen[0]?.body ?? '').id).toMatch(/^msg_/);
    } finally {
      client.close();
    }
  });

  it('sends no signature without a secret, keeps a caller-given id, and accepts an empty 204', async () => {
    const { url, seen } = await hookServer((_q, res) => {
      res.writeHead(204);
      res.end();
    });
    const client = createWebhookClient();
    try {
      const res = await client.post(url, { event: 'call:end' }, { id: 'evt-42' });
      expect(res).toMatchObject({ ok: true, statusCode: 204, body: undefined, webhookId: 'evt-42' });
      expect(seen[0]?.headers['webhook-id']).toBe('evt-42');
      expect(seen[0]?.headers['webhook-signature']).toBeUndefined();
      // no active span: the call's own span starts a trace (not sampled: this process exports nowhere)
      expect(seen[0]?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    } finally {
      client.close();
    }
  });

  it('reports a 500 as http-error with status and body, without retrying', async () => {
    const { url, seen } = await hookServer(json(500, '{"error":"db down"}'));
    const client = createWebhookClient();
    try {
      const res = await client.post(url, {});
      expect(res).toMatchObject({ ok: false, kind: 'http-error', code: 'PBX_ERR_WEBHOOK_HTTP', statusCode: 500, body: '{"error":"db down"}' });
      expect(seen).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('reports garbage JSON in a 200 as bad-json', async () => {
    const { url } = await hookServer(json(200, '<html>oops</html>'));
    const client = createWebhookClient();
    try {
      const res = await client.post(url, {});
      expect(res).toMatchObject({ ok: false, kind: 'bad-json', code: 'PBX_ERR_WEBHOOK_BAD_JSON', statusCode: 200, body: '<html>oops</html>' });
    } finally {
      client.close();
    }
  });

  it('aborts an answer larger than maxBodyBytes as it streams (too-large), without reading it all', async () => {
    // 10 MB in 64 KiB chunks, chunked (no Content-Length), written only as the client drains.
    let written = 0;
    let closedAt = -1;
    const { url } = await hookServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => {
        closedAt = written;
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 10 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const client = createWebhookClient({ maxBodyBytes: 256 * 1024 });
    try {
      const res = await client.post(url, {});
      expect(res).toMatchObject({ ok: false, kind: 'too-large', code: 'PBX_ERR_WEBHOOK_TOO_LARGE', statusCode: 200, limit: 256 * 1024 });
      expect(res.ok === false && res.message).toContain('larger than 262144 bytes');
      await new Promise((r) => setTimeout(r, 200));
      // The server saw the connection go away long before 10 MB were sent.
      expect(closedAt).toBeGreaterThan(0);
      expect(closedAt).toBeLessThan(5 * 1024 * 1024);
    } finally {
      client.close();
    }
  });

  it('refuses a too-long Content-Length at the head; an answer at the limit is read; the default limit is 1 MiB', async () => {
    const big = await hookServer(json(200, `[${'1,'.repeat(600 * 1024)}1]`));
    const exact = await hookServer(json(200, `"${'x'.repeat(998)}"`));
    const client = createWebhookClient({ maxBodyBytes: 1000 });
    const byDefault = createWebhookClient();
    try {
      expect(await client.post(big.url, {})).toMatchObject({ ok: false, kind: 'too-large', limit: 1000 });
      expect(await client.post(exact.url, {})).toMatchObject({ ok: true, body: 'x'.repeat(998) });
      expect(await byDefault.post(big.url, {})).toMatchObject({ ok: false, kind: 'too-large', limit: 1024 * 1024 });
      expect(() => createWebhookClient({ maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
    } finally {
      client.close();
      byDefault.close();
    }
  });

  it('times out at the per-hook timeout, overriding the client default', async () => {
    const { url, seen } = await hookServer((_q, res) => {
      setTimeout(() => res.end('{}'), 1500).unref();
    });
    const client = createWebhookClient({ timeoutMs: 5000 });
    try {
      const t0 = Date.now();
      const res = await client.post(url, {}, { timeoutMs: 150 });
      expect(res).toMatchObject({ ok: false, kind: 'timeout', code: 'PBX_ERR_WEBHOOK_TIMEOUT' });
      expect(res.ok ? '' : res.message).toContain('150 ms');
      expect(Date.now() - t0).toBeLessThan(1200);
      expect(seen).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('inflates a gzip or brotli answer it asked for, and reports one that does not inflate as network', async () => {
    const script = JSON.stringify([{ verb: 'pause', duration: 1 }]);
    const { url, seen } = await hookServer((q, res) => {
      const enc = q.url === '/hook?br' ? 'br' : 'gzip';
      const body = q.url === '/hook?bad' ? Buffer.from('not gzip at all') : enc === 'br' ? brotliCompressSync(script) : gzipSync(script);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': enc });
      res.end(body);
    });
    const client = createWebhookClient();
    try {
      expect(await client.post(url, {})).toMatchObject({ ok: true, body: [{ verb: 'pause', duration: 1 }] });
      expect(await client.post(`${url}?br`, {})).toMatchObject({ ok: true, body: [{ verb: 'pause', duration: 1 }] });
      expect(seen[0]!.headers['accept-encoding']).toBe('gzip, deflate, br');
      expect(await client.post(`${url}?bad`, {})).toMatchObject({ ok: false, kind: 'network', cause: 'ERR_DECOMPRESS' });
    } finally {
      client.close();
    }
  });

  it('times out an answer whose body stalls after the head, and reports a connection cut mid-body as network', async () => {
    const { url } = await hookServer((q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('[{"verb":');
      if (q.url === '/hook?cut') setTimeout(() => res.socket?.destroy(), 20).unref();
    });
    const client = createWebhookClient({ timeoutMs: 200 });
    try {
      const t0 = Date.now();
      expect(await client.post(url, {})).toMatchObject({ ok: false, kind: 'timeout' });
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await client.post(`${url}?cut`, {})).toMatchObject({ ok: false, kind: 'network', cause: 'ECONNRESET' });
    } finally {
      client.close();
    }
  });

  it('posts to an IPv6 literal URL', async () => {
    const server = createServer((_q, res) => res.end('{"ok":1}'));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '::1', r));
    const client = createWebhookClient();
    try {
      const res = await client.post(`http://[::1]:${(server.address() as AddressInfo).port}/hook`, {});
      expect(res).toMatchObject({ ok: true, body: { ok: 1 } });
    } finally {
      client.close();
    }
  });

  it('reports connection refused as network, and rejects a bad URL or options', async () => {
    const { url } = await hookServer(json(200, '{}'));
    await new Promise((r) => servers.pop()?.close(r)); // the port is now closed
    const client = createWebhookClient();
    try {
      const res = await client.post(url, {});
      expect(res).toMatchObject({ ok: false, kind: 'network', code: 'PBX_ERR_WEBHOOK_NETWORK', cause: 'ECONNREFUSED' });
      await expect(client.post('file:///etc/passwd', {})).rejects.toMatchObject({ code: 'PBX_ERR_WEBHOOK_BAD_URL' });
      await expect(client.post('not a url', {})).rejects.toMatchObject({ code: 'PBX_ERR_WEBHOOK_BAD_URL' });
    } finally {
      client.close();
    }
    expect(() => createWebhookClient({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createWebhookClient({ signingSecret: 'whsec_!!' })).toThrow(/secret is invalid/);
  });

  it('logs one debug line per call only when the logger is at debug level, and checks each URL once', async () => {
    const { url } = await hookServer(json(200, '{}'));
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const at = (level: string) =>
      ({
        debug: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }),
        isLevelEnabled: (l: string) => l === level || level === 'debug',
      }) as never;
    const quiet = createWebhookClient({ logger: at('info') });
    const loud = createWebhookClient({ logger: at('debug') });
    // A logger without isLevelEnabled (e.g. a test double) gets every line.
    const plain = createWebhookClient({ logger: { debug: (obj: object, msg: string) => lines.push({ obj: obj as Record<string, unknown>, msg }) } as never });
    try {
      expect((await quiet.post(url, {})).ok).toBe(true);
      expect(lines).toEqual([]);
      expect((await loud.post(url, {})).ok).toBe(true);
      expect((await plain.post(url, {})).ok).toBe(true);
      expect(lines.map((l) => l.msg)).toEqual(['webhook call', 'webhook call']);
      expect(lines[0]!.obj).toMatchObject({ url, ok: true });
      // The URL check is remembered per URL, a bad one is refused every time.
      for (let i = 0; i < 2; i++) await expect(loud.post('ftp://x/y', {})).rejects.toMatchObject({ code: 'PBX_ERR_WEBHOOK_BAD_URL' });
      expect((await loud.post(url, {})).ok).toBe(true);
    } finally {
      quiet.close();
      loud.close();
      plain.close();
    }
  });

  it('opens at most maxSockets connections for a burst of calls and reuses them', async () => {
    const ports = new Set<number>();
    let open = 0;
    let most = 0;
    const { url } = await hookServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      open++;
      most = Math.max(most, open);
      setTimeout(() => {
        open--;
        res.end('{}');
      }, 5);
    });
    const client = createWebhookClient({ maxSockets: 3, maxFreeSockets: 8 });
    try {
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.post(url, { i })));
        expect(results.every((r) => r.ok)).toBe(true);
      }
      expect(ports.size).toBe(3);
      expect(most).toBe(3);
    } finally {
      client.close();
    }
    expect(() => createWebhookClient({ maxSockets: 0 })).toThrow(RangeError);
  });

  it('takes idle connections round robin with fifo scheduling, the latest one with lifo', async () => {
    const order = async (scheduling: 'fifo' | 'lifo') => {
      const ports: number[] = [];
      const { url } = await hookServer((req, res) => {
        ports.push(req.socket.remotePort ?? 0);
        setTimeout(() => res.end('{}'), 5);
      });
      const client = createWebhookClient({ scheduling });
      try {
        // Open three connections, then use them one call at a time.
        await Promise.all([0, 1, 2].map((i) => client.post(url, { i })));
        for (let i = 0; i < 6; i++) expect((await client.post(url, { i })).ok).toBe(true);
      } finally {
        client.close();
      }
      return new Set(ports.slice(3)).size;
    };
    expect(await order('fifo')).toBe(3);
    expect(await order('lifo')).toBe(1);
    expect(() => createWebhookClient({ scheduling: 'random' as never })).toThrow(RangeError);
  });

  it('sends again on a new connection when the hook had closed the idle one it reused, once', async () => {
    // A hook that drops a kept-alive connection when the next request arrives on it, as a
    // server does whose idle timeout fires just as the request is sent: the request was
    // never read, so sending it again on a fresh connection is safe.
    let answered = 0;
    let dropped = 0;
    const server = createNetServer((socket) => {
      let served = 0;
      socket.on('data', () => {
        if (served++ > 0) {
          dropped++;
          socket.resetAndDestroy();
          return;
        }
        answered++;
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const client = createWebhookClient();
    try {
      expect((await client.post(url, { i: 0 })).ok).toBe(true);
      // Reuses the kept connection, which the hook drops: sent again on a new one.
      expect((await client.post(url, { i: 1 })).ok).toBe(true);
      expect({ answered, dropped }).toEqual({ answered: 2, dropped: 1 });
      // A reset on a connection opened for the request is not retried: the hook saw it.
      const fresh = createNetServer((socket) => {
        socket.on('data', () => socket.resetAndDestroy());
        socket.on('error', () => undefined);
      });
      await new Promise<void>((r) => fresh.listen(0, '127.0.0.1', r));
      let connections = 0;
      fresh.on('connection', () => connections++);
      const failed = await client.post(`http://127.0.0.1:${(fresh.address() as AddressInfo).port}/hook`, {});
      expect(failed).toMatchObject({ ok: false, kind: 'network' });
      expect(connections).toBe(1);
      fresh.close();
    } finally {
      client.close();
      server.close();
    }
  });

  it('reuses one keep-alive connection across calls', async () => {
    const ports = new Set<number>();
    const { url } = await hookServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('{}');
    });
    const client = createWebhookClient();
    try {
      for (let i = 0; i < 3; i++) expect((await client.post(url, { i })).ok).toBe(true);
      expect(ports.size).toBe(1);
    } finally {
      client.close();
    }
  });
});
