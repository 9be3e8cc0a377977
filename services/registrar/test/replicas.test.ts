import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, type Replica, defaultConfig, startHarness, until } from './helpers/harness.js';
import { describeSipp, startSipp } from './helpers/sipp.js';
import { RegisterUa } from '@dragonpbx/testkit';

// Two registrar replicas on one SIP server: REGISTERs spread over both, a
// trunk is registered by exactly one, and the other takes over when it dies.
const CARRIER = 27122;
let h: Harness;
let a: Replica;
let b: Replica;

const withTrunk = (hookUrl: string) => {
  const doc = defaultConfig(hookUrl) as { domains: Record<string, { trunks: unknown[] }> };
  doc.domains[DOMAIN]!.trunks.push({
    id: 8,
    name: 'carrier',
    inbound: [],
    register: { host: `127.0.0.1:${CARRIER}`, username: 'trunkuser', password: 'trunkpass', expires: 60 },
  });
  return doc;
};

const trunkOptions = { leaseTtlMs: 1500, leaseCheckMs: 300, retryInitialMs: 300, retryMaxMs: 1000, requestTimeoutMs: 1500 };

beforeAll(async () => {
  h = await startHarness(27121, withTrunk);
});

afterAll(async () => {
  await h?.stop();
});

describe('two registrar replicas', () => {
  it('share REGISTERs, register the trunk once, and fail the trunk over when its owner dies', async () => {
    // Two registrations: the first replica's, then the take-over's (new Call-ID).
    const carrier = startSipp({ scenario: 'uas-trunk-registrar-once.xml', port: CARRIER, calls: 2, vars: { expires: '60', regid: '8' }, timeoutS: 30 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      a = await h.startReplica({ flood: { enabled: false } }, trunkOptions);
      b = await h.startReplica({ flood: { enabled: false } }, trunkOptions);

      const ua = await RegisterUa.open(h.sipPort);
      try {
        for (let i = 0; i < 6; i++) {
          // The SIP server deals requests round-robin, so a 401/200 pair lands the 200 on the same
          // replica every time; one unanswered challenge in the middle shifts the parity.
          if (i === 3) expect((await ua.register({ domain: DOMAIN, user: '1000' }))?.status).toBe(401);
          const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '1000', contact: `<sip:1000@10.2.0.${i}>` }, 'secret1000');
          expect(final.status).toBe(200);
        }
      } finally {
        ua.close();
      }
      await until(() => h.events.filter((e) => e.user === '1000').length >= 6, 3000, 'events');
      const handledBy = new Set(h.events.filter((e) => e.user === '1000').map((e) => e.instanceId));
      expect(handledBy).toEqual(new Set([a.instanceId, b.instanceId]));
      // Both replicas wrote the same extension: maxClients 2 holds across them.
      expect(await h.state.contacts.list(DOMAIN, '1000')).toHaveLength(2);

      await until(async () => (await h.state.trunkRegistrations.get(DOMAIN, '8')) !== undefined, 5000, 'trunk registration');
      const first = (await h.state.trunkRegistrations.get(DOMAIN, '8'))!;
      const owner = first.instanceId === a.instanceId ? a : b;
      const other = owner === a ? b : a;
      expect(owner.trunks!.held().map((t) => t.trunkId)).toEqual(['8']);
      expect(other.trunks!.held()).toEqual([]);
      expect(await h.redis.get(h.state.keys.lease('regtrunk:dragon.test:8'))).toBe(owner.instanceId);

      await owner.crash();
      const crashedAt = Date.now();
      await until(async () => (await h.state.trunkRegistrations.get(DOMAIN, '8'))?.instanceId === other.instanceId, 20_000, 'take-over');
      // Well within one refresh interval (half the 60 s grant): the lease is 1.5 s.
      expect(Date.now() - crashedAt).toBeLessThan(30_000);
      expect(other.trunks!.held()[0]).toMatchObject({ trunkId: '8', state: 'registered' });
      const done = await carrier.done;
      expect(done.code, describeSipp(done)).toBe(0);
    } finally {
      carrier.kill();
    }
  }, 60_000);

  it('stops and forgets a trunk removed from the configuration', async () => {
    const live = [a, b].find((r) => r.trunks!.held().length > 0)!;
    const doc = defaultConfig(h.hook.hookUrl);
    h.writeConfig(doc);
    await until(() => live.trunks!.held().length === 0, 5000, 'trunk dropped');
    await until(async () => (await h.state.trunkRegistrations.get(DOMAIN, '8')) === undefined, 5000, 'regtrunk deleted');
    await until(async () => (await h.redis.get(h.state.keys.lease('regtrunk:dragon.test:8'))) === null, 5000, 'lease released');
  });
});
