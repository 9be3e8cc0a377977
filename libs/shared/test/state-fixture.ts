import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { StateStore } from '../src/state/state-store.js';

/** A state store on the real Redis with a random key prefix; `cleanup` deletes every key it made. */
export async function stateFixture() {
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  const store = new StateStore({ keyPrefix: prefix }, { redis });
  const extra: Redis[] = [];
  return {
    prefix,
    redis,
    store,
    /** Another connection with its own store on the same prefix (a second "instance"). */
    async peer(): Promise<StateStore> {
      const r = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
      await r.connect();
      extra.push(r);
      return new StateStore({ keyPrefix: prefix }, { redis: r });
    },
    async keys(): Promise<string[]> {
      const out: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        out.push(...batch);
      } while (cursor !== '0');
      return out.sort();
    },
    async cleanup(): Promise<void> {
      const keys = await this.keys();
      if (keys.length > 0) await redis.del(...keys);
      await Promise.all([redis, ...extra].map((r) => r.quit()));
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
