import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAffinity } from '../src/engine/call-affinity.js';
import { EnginePool } from '../src/engine/engine-pool.js';
import { EngineRouter } from '../src/engine/engine-router.js';
import { NgClient } from '../src/ng/ng-client.js';
import { DEFAULT_ENGINE, newCall } from './support/harness.js';
import { PCMU, audioSdp } from './support/sdp.js';

// Two "replicas" (routers with their own affinity caches) on one Redis and the
// shared RTPEngine: a replica's cached entry never outlives the truth in Redis.

const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
let redis: Redis;
let ng: NgClient;
let pool: EnginePool;
let r1: EngineRouter;
let r2: EngineRouter;
let a1: CallAffinity;

beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379');
  ng = new NgClient({ timeoutMs: 2000 });
  pool = new EnginePool({ engines: [DEFAULT_ENGINE], healthIntervalMs: 60_000, placement: 'least-loaded' }, { ng });
  await pool.checkAll();
  a1 = new CallAffinity({ keyPrefix, ttlSec: 60 }, { redis });
  r1 = new EngineRouter({ pool, ng, affinity: a1 });
  r2 = new EngineRouter({ pool, ng, affinity: new CallAffinity({ keyPrefix, ttlSec: 60 }, { redis }) });
});
afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  ng.close();
});

const offerParams = (fromTag: string) => ({ 'from-tag': fromTag, sdp: audioSdp(40_000, [PCMU]) });

describe('affinity cache', () => {
  it('serves a replica’s own calls from memory, and drops an entry another replica made stale', async () => {
    const call = newCall();
    await r1.offer(call.callId, offerParams(call.fromTag));
    // Replica 1 cached the entry when it placed the call…
    expect(await a1.lookup(call.callId)).toEqual({ engineId: '127.0.0.1:22222', cached: true });

    // …but once replica 2 deleted the call, the engine disowns it and replica 1 learns that from Redis.
    await r2.deleteCall(call.callId, { 'delete-delay': 0 });
    await expect(r1.send(call.callId, 'query', {})).rejects.toMatchObject({ code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' });
    expect(await a1.lookup(call.callId)).toBeUndefined();

    // The same Call-ID placed again by replica 2 is found by replica 1 through Redis.
    await r2.offer(call.callId, offerParams(call.fromTag));
    await expect(r1.send(call.callId, 'query', {})).resolves.toMatchObject({ reply: { result: 'ok' } });
    await r1.deleteCall(call.callId, { 'delete-delay': 0 });
  });

  it('renews the Redis TTL of cached calls in the background', async () => {
    const short = new CallAffinity({ keyPrefix, ttlSec: 2 }, { redis });
    const callId = newCall().callId;
    await short.claim(callId, 'e:1');
    await new Promise((r) => setTimeout(r, 700)); // more than a quarter of the TTL
    await redis.expire(short.key(callId), 1);
    expect(await short.lookup(callId)).toEqual({ engineId: 'e:1', cached: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(await redis.ttl(short.key(callId))).toBe(2);
    await short.release(callId);
    expect(await redis.exists(short.key(callId))).toBe(0);
  });
});
