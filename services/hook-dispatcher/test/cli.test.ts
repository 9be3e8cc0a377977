import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterStore } from '../src/dead-letter/dead-letter-store.js';
import { envelope, isolation, NATS_URL, newRedis, REDIS_URL } from './helpers/infra.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

describe('dead-letter CLI', () => {
  const iso = isolation();
  let redis: Redis;
  const env = {
    PATH: process.env.PATH,
    REDIS_URL,
    NATS_URL,
    HOOK_KEY_PREFIX: iso.keyPrefix,
    HOOK_QUEUE: iso.queueName,
  };
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'services/hook-dispatcher/src/cli.ts', ...args], { cwd: ROOT, env });

  beforeAll(() => {
    redis = newRedis();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${iso.keyPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('lists, replays and deletes entries, and names a missing id', async () => {
    const store = new DeadLetterStore(redis, iso.keyPrefix!);
    const e = envelope('http://127.0.0.1:9/status', 'cli-call', 1);
    await store.put({ envelope: e, attempts: 1, reason: 'http_400', status: 400, error: 'x', deadLetteredAt: new Date().toISOString(), replays: 0 });

    // Each CLI run pays a tsx start-up; run the independent ones together.
    const [listed, missing, bogus] = await Promise.all([
      cli('dlq', 'list'),
      cli('dlq', 'show', 'nope').catch((err: unknown) => err),
      cli('bogus').catch((err: unknown) => err),
    ]);
    const list = JSON.parse(listed.stdout);
    expect(list.total).toBe(1);
    expect(list.items[0].envelope.id).toBe(e.id);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('PBX_ERR_HOOK_DEAD_LETTER_NOT_FOUND') });
    expect(bogus).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });

    const replay = JSON.parse((await cli('dlq', 'replay', e.id)).stdout);
    expect(replay.id).toBe(e.id);
    expect(await redis.exists(`${iso.keyPrefix}:bull:${iso.queueName}:${replay.jobId}`)).toBe(1);
    expect((await store.get(e.id)).replays).toBe(1);

    expect(JSON.parse((await cli('dlq', 'delete', e.id)).stdout)).toEqual({ deleted: true });
    expect(await store.count()).toBe(0);
  }, 180_000);
});
