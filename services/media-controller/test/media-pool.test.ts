import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAffinity } from '../src/engine/call-affinity.js';
import { EnginePool } from '../src/engine/engine-pool.js';
import { EngineRouter } from '../src/engine/engine-router.js';
import type { MediaController } from '../src/media-controller.js';
import { NgClient } from '../src/ng/ng-client.js';
import { createHarness, type Harness, newCall, sleep } from './support/harness.js';
import { type RtpEngineProcess, startRtpEngine } from './support/rtpengine-process.js';
import { PCMU, audioSdp } from './support/sdp.js';

// Two RTPEngines of our own (ng 26901/26902, RTP 26100-26299) so one can be
// stopped without touching anybody else's engine.

let h: Harness;
let e1: RtpEngineProcess;
let e2: RtpEngineProcess;
const E1 = { host: '127.0.0.1', port: 26901 };
const E2 = { host: '127.0.0.1', port: 26902 };

beforeAll(async () => {
  [e1, e2] = await Promise.all([
    startRtpEngine({ ngPort: E1.port, portMin: 26100, portMax: 26199 }),
    startRtpEngine({ ngPort: E2.port, portMin: 26200, portMax: 26299 }),
  ]);
  h = await createHarness({ engines: [E1, E2], ngTimeoutMs: 1500, healthIntervalMs: 200, placement: 'round-robin' });
});
afterAll(async () => {
  await h?.close();
  await Promise.all([e1?.stop(), e2?.stop()]);
});

const sdp = () => audioSdp(40_000 + Math.floor(Math.random() * 1000) * 2, [PCMU]);

async function waitState(c: MediaController, id: string, state: string, ms = 6000): Promise<void> {
  const end = Date.now() + ms;
  while (c.pool.get(id)?.state !== state && Date.now() < end) await sleep(20);
  expect(c.pool.get(id)?.state).toBe(state);
}

const served = async (m: { requests: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> } }) =>
  (await m.requests.get()).values.reduce((n, v) => n + (v.labels.result === 'ok' ? v.value : 0), 0);

describe('replicas share calls through Redis affinity', () => {
  it('serves one call’s operations on different replicas in turn', async () => {
    const first = await h.startController({ engines: [E1] });
    const started = [first];
    try {
      const call = newCall();
      const offered = await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: sdp() });
      expect(offered.engine).toBe('127.0.0.1:26901');
      expect(await h.redis.get(`${h.keyPrefix}media:engine:${call.callId}`)).toBe('127.0.0.1:26901');

      // Hand over: a second replica answers while the first is gone…
      const second = await h.startController({ engines: [E1] });
      started.push(second);
      await first.controller.stop();
      await h.client.answer({ ...call, sdp: sdp() });
      // …and a third one queries and deletes.
      const third = await h.startController({ engines: [E1] });
      started.push(third);
      await second.controller.stop();
      const q = await h.client.query({ callId: call.callId });
      expect(q.parties.map((p) => p.tag).sort()).toEqual([call.fromTag, call.toTag].sort());
      await expect(h.client.delete({ callId: call.callId })).resolves.toEqual({ deleted: true });
      expect(await served(first.metrics)).toBe(1);
      expect(await served(second.metrics)).toBe(1);
      expect(await served(third.metrics)).toBe(2); // query + delete
      expect(await h.redis.exists(`${h.keyPrefix}media:engine:${call.callId}`)).toBe(0);

      // With two live replicas in one queue group, calls alternate between them and all succeed.
      const fourth = await h.startController({ engines: [E1] });
      started.push(fourth);
      for (let i = 0; i < 12; i++) {
        const c = newCall();
        await h.client.offer({ callId: c.callId, fromTag: c.fromTag, sdp: sdp() });
        await h.client.answer({ ...c, sdp: sdp() });
        await h.client.delete({ callId: c.callId });
      }
      const [n3, n4] = [(await served(third.metrics)) - 2, await served(fourth.metrics)];
      expect(n3 + n4).toBe(36);
      expect(n3).toBeGreaterThan(0);
      expect(n4).toBeGreaterThan(0);

      // And operations of one live call land on both replicas (NATS picks a queue
      // member per message; all 20 on one replica has odds of about 2 in a million).
      const shared = newCall();
      await h.client.offer({ callId: shared.callId, fromTag: shared.fromTag, sdp: sdp() });
      await h.client.answer({ ...shared, sdp: sdp() });
      const queries = async (m: typeof third.metrics) =>
        (await m.requests.get()).values.find((v) => v.labels.op === 'query' && v.labels.result === 'ok')?.value ?? 0;
      const [q3, q4] = [await queries(third.metrics), await queries(fourth.metrics)];
      for (let i = 0; i < 20; i++) await h.client.query({ callId: shared.callId });
      const [d3, d4] = [(await queries(third.metrics)) - q3, (await queries(fourth.metrics)) - q4];
      expect(d3 + d4).toBe(20);
      expect(d3).toBeGreaterThan(0);
      expect(d4).toBeGreaterThan(0);
      await h.client.delete({ callId: shared.callId });
    } finally {
      // Later tests place calls on both engines: these single-engine replicas must be gone.
      for (const s of started) await s.controller.stop();
    }
  });
});

describe('placement', () => {
  it('keeps every offer of one call (parallel forks, re-offers) on the call’s engine', async () => {
    const { controller } = await h.startController();
    const call = newCall();
    const first = await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: sdp() });
    // Round robin would pick the other engine next; the call's affinity wins.
    for (let i = 0; i < 3; i++) {
      const again = await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: sdp() });
      expect(again.engine).toBe(first.engine);
    }
    // …while new calls still spread over both engines.
    const others = [newCall(), newCall()];
    const engines = new Set<string | null>();
    for (const o of others) engines.add((await h.client.offer({ callId: o.callId, fromTag: o.fromTag, sdp: sdp() })).engine);
    expect(engines).toEqual(new Set(['127.0.0.1:26901', '127.0.0.1:26902']));
    for (const c of [call, ...others]) await h.client.delete({ callId: c.callId });
    await controller.stop();
  });
});

describe('a replica’s stale cache entry', () => {
  it('is corrected from Redis: a re-offer lands on the recorded engine and leaves nothing on the cached one; a delete reaches the recorded engine', async () => {
    const ng = new NgClient({ timeoutMs: 1500 });
    const router = (engines: { host: string; port: number }[]) => {
      const pool = new EnginePool({ engines, healthIntervalMs: 60_000, placement: 'round-robin' }, { ng });
      const affinity = new CallAffinity({ keyPrefix: h.keyPrefix, ttlSec: 60 }, { redis: h.redis });
      return { pool, affinity, router: new EngineRouter({ pool, affinity, ng }) };
    };
    const stale = router([E1, E2]);
    const onE1 = router([E1]);
    const onE2 = router([E2]);
    await Promise.all([stale.pool.checkAll(), onE1.pool.checkAll(), onE2.pool.checkAll()]);
    const ids = ['127.0.0.1:26901', '127.0.0.1:26902'];
    const has = async (engine: typeof E1, callId: string) =>
      ng.send(engine, 'query', { 'call-id': callId }).then(
        () => true,
        (err: { code?: string; message: string }) => {
          // Only "the engine does not know the call" counts as absent.
          expect(err.code).toBe('PBX_ERR_MEDIA_ENGINE_REFUSED');
          expect(err.message).toMatch(/unknown call/i);
          return false;
        },
      );
    const params = (fromTag: string) => ({ 'from-tag': fromTag, sdp: sdp() });
    try {
      const call = newCall();
      // The stale replica places the call on one engine and caches that…
      const first = await stale.router.offer(call.callId, params(call.fromTag));
      const placedOn = first.engine.id;
      const [here, there] = placedOn === ids[0] ? [onE1, onE2] : [onE2, onE1];
      const [hereAddr, thereAddr] = placedOn === ids[0] ? [E1, E2] : [E2, E1];
      expect(stale.affinity.cached(call.callId)).toBe(placedOn);
      // …then another replica deletes it and places the same Call-ID on the other engine.
      await here.router.deleteCall(call.callId, { 'delete-delay': 0 });
      const moved = await there.router.offer(call.callId, params(call.fromTag));
      expect(moved.engine.id).not.toBe(placedOn);

      // A re-offer through the stale replica goes to the engine Redis records…
      const again = await stale.router.offer(call.callId, params(call.fromTag));
      expect(again.engine.id).toBe(moved.engine.id);
      expect(stale.affinity.cached(call.callId)).toBe(moved.engine.id);
      // …and the session its speculative offer made on the cached engine is gone.
      expect(await has(hereAddr, call.callId)).toBe(false);
      expect(await has(thereAddr, call.callId)).toBe(true);
      // A replica that never saw the call and picks the other engine first (round robin, turn 0)
      // ends up on the recorded engine too, without charging or leaving anything on its pick.
      const fresh = router([hereAddr, thereAddr]);
      await fresh.pool.checkAll();
      const picked = fresh.pool.get(placedOn);
      const load = picked?.sessions;
      const forked = await fresh.router.offer(call.callId, params(call.fromTag));
      expect(forked.engine.id).toBe(moved.engine.id);
      expect(picked?.sessions).toBe(load);
      expect(await has(hereAddr, call.callId)).toBe(false);

      // The call moves back; the stale replica's delete still reaches it (and only it).
      await there.router.deleteCall(call.callId, { 'delete-delay': 0 });
      await here.router.offer(call.callId, params(call.fromTag));
      const deleted = await stale.router.deleteCall(call.callId, { 'delete-delay': 0 });
      expect(deleted.engine.id).toBe(placedOn);
      expect(await has(hereAddr, call.callId)).toBe(false);
      expect(await h.redis.exists(`${h.keyPrefix}media:engine:${call.callId}`)).toBe(0);
      // Deleted everywhere while still cached: a stale delete of it is "unknown", not a success.
      await here.router.offer(call.callId, params(call.fromTag));
      await stale.router.send(call.callId, 'query', {});
      expect(stale.affinity.cached(call.callId)).toBe(placedOn);
      await here.router.deleteCall(call.callId, { 'delete-delay': 0 });
      await expect(stale.router.deleteCall(call.callId, { 'delete-delay': 0 })).rejects.toMatchObject({ code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' });
    } finally {
      ng.close();
    }
  });
});

describe('engine failure', () => {
  it('places new calls on the surviving engine and fails fast for calls on the dead one', async () => {
    const { controller, metrics } = await h.startController();
    const calls = [newCall(), newCall(), newCall(), newCall()];
    const placed = new Map<string, string>();
    for (const c of calls) {
      const r = await h.client.offer({ callId: c.callId, fromTag: c.fromTag, sdp: sdp() });
      placed.set(c.callId, r.engine ?? '');
    }
    expect(new Set(placed.values())).toEqual(new Set(['127.0.0.1:26901', '127.0.0.1:26902']));

    await e2.stop();
    // New calls, even before the health check notices, end up on the live engine.
    for (let i = 0; i < 4; i++) {
      const c = newCall();
      const r = await h.client.offer({ callId: c.callId, fromTag: c.fromTag, sdp: sdp() });
      expect(r.engine).toBe('127.0.0.1:26901');
    }
    await waitState(controller, '127.0.0.1:26902', 'down');

    const onDead = calls.find((c) => placed.get(c.callId) === '127.0.0.1:26902')!;
    const started = Date.now();
    await expect(h.client.answer({ ...onDead, sdp: sdp() })).rejects.toMatchObject({
      remote: { code: 'PBX_ERR_MEDIA_ENGINE_DOWN' },
    });
    expect(Date.now() - started).toBeLessThan(1000); // well below the 1500 ms ng timeout: no waiting
    // A re-offer of it too (the replica knows its engine is down, so nothing is sent anywhere).
    await expect(h.client.offer({ ...onDead, sdp: sdp() })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_ENGINE_DOWN' } });
    // Deleting it fails just as clearly, and keeps the record for later operations.
    await expect(h.client.delete({ callId: onDead.callId })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_ENGINE_DOWN' } });
    await expect(h.client.query({ callId: onDead.callId })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_ENGINE_DOWN' } });
    const onLive = calls.find((c) => placed.get(c.callId) === '127.0.0.1:26901')!;
    await expect(h.client.answer({ ...onLive, sdp: sdp() })).resolves.toMatchObject({ engine: '127.0.0.1:26901' });

    const up = (await metrics.engineUp.get()).values;
    expect(up.find((v) => v.labels.engine === '127.0.0.1:26902')?.value).toBe(0);
    expect(up.find((v) => v.labels.engine === '127.0.0.1:26901')?.value).toBe(1);
    expect(controller.readiness()).toEqual({ nats: true, rtpengine: true });

    // With no engine left, a new call gets a clear error, not a hang.
    await e1.stop();
    await waitState(controller, '127.0.0.1:26901', 'down');
    const c = newCall();
    await expect(h.client.offer({ callId: c.callId, fromTag: c.fromTag, sdp: sdp() })).rejects.toMatchObject({
      remote: { code: 'PBX_ERR_MEDIA_NO_ENGINE' },
    });
    expect(controller.readiness().rtpengine).toBe(false);

    // An engine that answers pings again is back in rotation.
    e2 = await startRtpEngine({ ngPort: E2.port, portMin: 26200, portMax: 26299 });
    await waitState(controller, '127.0.0.1:26902', 'up');
    const back = newCall();
    await expect(h.client.offer({ callId: back.callId, fromTag: back.fromTag, sdp: sdp() })).resolves.toMatchObject({
      engine: '127.0.0.1:26902',
    });
  });
});
