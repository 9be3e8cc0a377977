import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PBX_ERR_STATE_CORRUPT, PBX_ERR_STATE_UNAVAILABLE, StateStore } from '../src/state.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('StateStore when Redis cannot be reached', () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const c of clients) c.disconnect();
  });

  it('rejects with PBX_ERR_STATE_UNAVAILABLE (the ioredis error as its cause), for commands, scripts and transactions', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: await closedPort(), maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: true });
    redis.on('error', () => {});
    clients.push(redis);
    const state = new StateStore({ keyPrefix: 'test:unavailable:' }, { redis });
    const failures = await Promise.allSettled([
      state.calls.get('c1'),
      state.contacts.list('example.com', '1001'),
      state.calls.remove('c1'),
    ]);
    for (const f of failures) {
      expect(f.status).toBe('rejected');
      const err = (f as PromiseRejectedResult).reason as Error;
      expect(err).toBeInstanceOf(PBX_ERR_STATE_UNAVAILABLE);
      expect(err).toMatchObject({ code: 'PBX_ERR_STATE_UNAVAILABLE', statusCode: 503 });
      expect(err.cause).toBeInstanceOf(Error);
    }
  });

  it('passes other errors through unchanged', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
    clients.push(redis);
    const prefix = `test:unavailable:${process.pid}:${Date.now()}:`;
    const state = new StateStore({ keyPrefix: prefix }, { redis });
    await redis.set(state.keys.call('c2'), 'not json');
    await expect(state.calls.get('c2')).rejects.toBeInstanceOf(PBX_ERR_STATE_CORRUPT);
    await redis.del(state.keys.call('c2'));
  });
});
