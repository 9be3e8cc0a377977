import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PbxError } from '../src/errors/pbx-error.js';
import type { CallSummary } from '../src/state/call-summary.js';
import { trunkLeaseResource } from '../src/state/lease-store.js';
import { sleep, stateFixture } from './state-fixture.js';

type Fixture = Awaited<ReturnType<typeof stateFixture>>;
let f: Fixture;
beforeEach(async () => {
  f = await stateFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const D = 'pbx.example.com';

async function rejects(p: Promise<unknown>): Promise<PbxError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PbxError) return e;
    throw e;
  }
  throw new Error('expected a PbxError');
}

describe('TrunkRegistrationStore', () => {
  it('writes regtrunk:{domain}:id with trunkID and TTL = grant, reads and deletes it', async () => {
    const reg = { trunkId: '7', registrar: 'sip:sip.provider.example', contact: '<sip:u@pbx;x-regid=7>', instanceId: 'reg-1' };
    await f.store.trunkRegistrations.set(D, reg, 90);
    const key = `${f.prefix}regtrunk:{${D}}:7`;
    expect(await f.redis.hgetall(key)).toEqual({
      trunkID: '7',
      registrar: 'sip:sip.provider.example',
      contact: '<sip:u@pbx;x-regid=7>',
      instanceId: 'reg-1',
      granted: '90',
    });
    const ttl = await f.redis.pttl(key);
    expect(ttl).toBeGreaterThan(89_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
    const got = await f.store.trunkRegistrations.get(D, '7');
    expect(got).toMatchObject({ ...reg, granted: 90 });
    expect(got!.remainingMs).toBeGreaterThan(89_000);
    await f.store.trunkRegistrations.set(D, { ...reg, instanceId: 'reg-2' }, 30);
    expect(await f.redis.pttl(key)).toBeLessThanOrEqual(30_000);
    expect((await f.store.trunkRegistrations.get(D, '7'))?.instanceId).toBe('reg-2');
    expect(await f.store.trunkRegistrations.delete(D, '7')).toBe(true);
    expect(await f.store.trunkRegistrations.get(D, '7')).toBeUndefined();
    expect(await f.store.trunkRegistrations.delete(D, '7')).toBe(false);
  });

  it('expires with the grant and rejects bad input', async () => {
    await f.store.trunkRegistrations.set(D, { trunkId: '8', registrar: 'sip:x', contact: 'sip:c', instanceId: 'i' }, 1);
    await sleep(1100);
    expect(await f.store.trunkRegistrations.get(D, '8')).toBeUndefined();
    const e = await rejects(f.store.trunkRegistrations.set(D, { trunkId: '8', registrar: 'sip:x', contact: 'sip:c', instanceId: 'i' }, 0));
    expect(e.code).toBe('PBX_ERR_STATE_INPUT_INVALID');
    const e2 = await rejects(f.store.trunkRegistrations.set(D, { trunkId: '8', registrar: '', contact: 'sip:c', instanceId: 'i' }, 5));
    expect(e2.message).toMatch(/registrar/);
  });
});

describe('LeaseStore', () => {
  it('gives a trunk to exactly one replica; only the owner renews or releases', async () => {
    const res = trunkLeaseResource(D, '7');
    const other = await f.peer();
    const [a, b] = await Promise.all([f.store.leases.acquire(res, 'tok-a', 5000), other.leases.acquire(res, 'tok-b', 5000)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const [winner, loser] = a ? (['tok-a', 'tok-b'] as const) : (['tok-b', 'tok-a'] as const);
    const key = `${f.prefix}lease:regtrunk:${D}:7`;
    expect(await f.redis.get(key)).toBe(winner);
    expect(await f.store.leases.owner(res)).toBe(winner);
    expect(await f.store.leases.renew(res, loser, 60_000)).toBe(false);
    expect(await f.redis.pttl(key)).toBeLessThanOrEqual(5000);
    expect(await f.store.leases.renew(res, winner, 60_000)).toBe(true);
    expect(await f.redis.pttl(key)).toBeGreaterThan(59_000);
    expect(await f.store.leases.release(res, loser)).toBe(false);
    expect(await f.redis.get(key)).toBe(winner);
    expect(await f.store.leases.release(res, winner)).toBe(true);
    expect(await f.redis.exists(key)).toBe(0);
    expect(await f.store.leases.acquire(res, loser, 5000)).toBe(true);
  });

  it('lapses when the owner stops renewing, then another replica can take it', async () => {
    const res = trunkLeaseResource(D, '9');
    expect(await f.store.leases.acquire(res, 'a', 1000)).toBe(true);
    expect(await f.store.leases.acquire(res, 'b', 1000)).toBe(false);
    await sleep(1100);
    expect(await f.store.leases.renew(res, 'a', 1000)).toBe(false);
    expect(await f.store.leases.acquire(res, 'b', 1000)).toBe(true);
    expect((await rejects(f.store.leases.acquire(res, '', 300))).code).toBe('PBX_ERR_STATE_INPUT_INVALID');
    expect((await rejects(f.store.leases.renew(res, 'b', 0))).code).toBe('PBX_ERR_STATE_INPUT_INVALID');
  });
});

describe('CallStore', () => {
  const call = (n: number, extra: Partial<CallSummary> = {}): CallSummary => ({
    callId: `call-${n}@host`,
    instanceId: 'router-1',
    domain: D,
    from: '1000',
    to: `200${n}`,
    state: 'ringing',
    startedAt: 1_800_000_000_000 + n,
    extensions: [`200${n}`],
    ...extra,
  });

  it('stores a summary with TTL and indexes it per instance, domain and extension', async () => {
    await f.store.calls.put(call(1, { extensions: ['2001', '2002'], extra: { lastStatus: 'connect:trying' } }), 60);
    const keys = await f.keys();
    expect(keys).toEqual(
      [
        `${f.prefix}call:call-1@host`,
        `${f.prefix}calls:domain:${D}`,
        `${f.prefix}calls:ext:${D}:2001`,
        `${f.prefix}calls:ext:${D}:2002`,
        `${f.prefix}calls:instance:router-1`,
      ].sort(),
    );
    for (const k of keys) {
      const ttl = await f.redis.pttl(k);
      expect(ttl).toBeGreaterThan(59_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    expect(JSON.parse((await f.redis.get(`${f.prefix}call:call-1@host`))!)).toMatchObject({ state: 'ringing', extensions: ['2001', '2002'] });
    expect((await f.store.calls.get('call-1@host'))?.extra).toEqual({ lastStatus: 'connect:trying' });
    expect((await f.store.calls.findByExtension(D, '2002')).map((c) => c.callId)).toEqual(['call-1@host']);
    expect(await f.store.calls.findByExtension(D, '2009')).toEqual([]);
    expect(await f.store.calls.findByExtension('other.example.com', '2001')).toEqual([]);
  });

  it('lists by instance and domain, follows changed extensions, removes cleanly', async () => {
    await f.store.calls.put(call(2), 60);
    await f.store.calls.put(call(1), 60);
    await f.store.calls.put(call(3, { instanceId: 'router-2' }), 60);
    expect((await f.store.calls.listByInstance('router-1')).map((c) => c.callId)).toEqual(['call-1@host', 'call-2@host']);
    expect((await f.store.calls.listByDomain(D)).map((c) => c.callId)).toEqual(['call-1@host', 'call-2@host', 'call-3@host']);
    // The call moved from ringing 2001 to connected with 2005: the old index entry is no longer returned.
    await f.store.calls.put(call(1, { state: 'connected', answeredAt: 1_800_000_000_500, extensions: ['2005'] }), 60);
    expect(await f.store.calls.findByExtension(D, '2001')).toEqual([]);
    expect(await f.redis.zcard(`${f.prefix}calls:ext:${D}:2001`)).toBe(0);
    expect((await f.store.calls.findByExtension(D, '2005'))[0]?.state).toBe('connected');
    expect(await f.store.calls.remove('call-1@host')).toBe(true);
    expect(await f.store.calls.remove('call-1@host')).toBe(false);
    expect(await f.store.calls.get('call-1@host')).toBeUndefined();
    expect(await f.redis.zscore(`${f.prefix}calls:instance:router-1`, 'call-1@host')).toBeNull();
    expect((await f.store.calls.listByInstance('router-1')).map((c) => c.callId)).toEqual(['call-2@host']);
  });

  it('drops expired summaries from every index', async () => {
    await f.store.calls.put(call(1), 1);
    await f.store.calls.put(call(2), 60);
    await sleep(1100);
    expect((await f.store.calls.listByDomain(D)).map((c) => c.callId)).toEqual(['call-2@host']);
    expect(await f.store.calls.findByExtension(D, '2001')).toEqual([]);
    expect(await f.redis.zcard(`${f.prefix}calls:domain:${D}`)).toBe(1);
  });

  it('rejects malformed summaries and reports corrupt ones', async () => {
    const bad: [CallSummary, RegExp][] = [
      [call(1, { callId: '' }), /callId/],
      [call(1, { state: 'dancing' as 'ringing' }), /state/],
      [call(1, { extensions: [''] }), /extensions/],
      [call(1, { startedAt: Number.NaN }), /startedAt/],
    ];
    for (const [s, why] of bad) {
      const e = await rejects(f.store.calls.put(s, 60));
      expect(e.code).toBe('PBX_ERR_STATE_INPUT_INVALID');
      expect(e.message).toMatch(why);
    }
    expect((await rejects(f.store.calls.put(call(1), 0))).code).toBe('PBX_ERR_STATE_INPUT_INVALID');
    await f.redis.set(`${f.prefix}call:junk`, 'nope', 'PX', 10_000);
    expect((await rejects(f.store.calls.get('junk'))).code).toBe('PBX_ERR_STATE_CORRUPT');
  });
});

describe('FloodStore', () => {
  const limits = { windowMs: 10_000, limit: 3, banMs: 1500 };

  it('counts per source in a window, bans past the limit, shares counts across instances', async () => {
    const other = await f.peer();
    const ip = '203.0.113.9';
    expect(await f.store.flood.hit(ip, limits)).toEqual({ count: 1, banned: false, banRemainingMs: 0 });
    expect((await other.flood.hit(ip, limits)).count).toBe(2);
    expect(await f.redis.get(`${f.prefix}flood:{${ip}}`)).toBe('2');
    const ttl = await f.redis.pttl(`${f.prefix}flood:{${ip}}`);
    expect(ttl).toBeGreaterThan(8000);
    expect(ttl).toBeLessThanOrEqual(10_000);
    expect((await f.store.flood.hit(ip, limits)).banned).toBe(false);
    const fourth = await other.flood.hit(ip, limits);
    expect(fourth).toEqual({ count: 4, banned: true, banRemainingMs: 1500 });
    expect(await f.redis.exists(`${f.prefix}ban:{${ip}}`)).toBe(1);
    const during = await f.store.flood.hit(ip, limits);
    expect(during.banned).toBe(true);
    expect(during.count).toBe(0);
    expect(await f.store.flood.banRemaining(ip)).toBeGreaterThan(0);
    // Another source is unaffected.
    expect((await f.store.flood.hit('203.0.113.10', limits)).count).toBe(1);
    await sleep(1600);
    expect(await f.store.flood.banRemaining(ip)).toBe(0);
    expect(await f.store.flood.hit(ip, limits)).toEqual({ count: 1, banned: false, banRemainingMs: 0 });
  });

  it('counts exactly under a parallel burst and can unban', async () => {
    const ip = '2001:db8::77';
    const results = await Promise.all(Array.from({ length: 10 }, () => f.store.flood.hit(ip, { windowMs: 5000, limit: 5, banMs: 5000 })));
    expect(results.filter((r) => !r.banned).map((r) => r.count).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((r) => r.banned)).toHaveLength(5);
    expect(await f.store.flood.unban(ip)).toBe(true);
    expect((await f.store.flood.hit(ip, { windowMs: 5000, limit: 5, banMs: 5000 })).count).toBe(1);
    expect((await rejects(f.store.flood.hit(ip, { windowMs: 0, limit: 5, banMs: 5 }))).message).toMatch(/windowMs/);
    expect((await rejects(f.store.flood.hit('a{b}', limits))).code).toBe('PBX_ERR_STATE_KEY_INVALID');
  });
});
