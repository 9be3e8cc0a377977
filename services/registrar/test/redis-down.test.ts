import { StateStore } from '@dragonpbx/shared/state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness } from './helpers/harness.js';
import { RegisterUa } from '@dragonpbx/testkit';

// With Redis unreachable the registrar still challenges, and answers an
// authenticated REGISTER 503 + Retry-After (not 403, not silence).
let h: Harness;
let deadRedis: Redis;

beforeAll(async () => {
  h = await startHarness(27065);
  // Port 1 on loopback: nothing listens there, every command fails at once.
  deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  deadRedis.on('error', () => {});
  const state = new StateStore({ keyPrefix: 'test:reg:dead:' }, { redis: deadRedis });
  await h.startReplica({ retryAfterSec: 11 }, undefined, { state });
});

afterAll(async () => {
  deadRedis?.disconnect();
  await h?.stop();
});

describe('Redis unavailable', () => {
  it('challenges, then answers 503 with Retry-After', async () => {
    const ua = await RegisterUa.open(h.sipPort);
    try {
      const { challenge, final } = await ua.registerWithAuth({ domain: DOMAIN, user: '1001' }, 'secret1001');
      expect(challenge.status).toBe(401);
      expect(final.status).toBe(503);
      expect(final.get('retry-after')).toBe('11');
    } finally {
      ua.close();
    }
  });
});
