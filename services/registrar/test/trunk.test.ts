import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, defaultConfig, startHarness, until } from './helpers/harness.js';
import { type SippProcess, describeSipp, startSipp } from './helpers/sipp.js';

// Outbound trunk registration against a SIPp registrar that challenges
// (docs/contract.md §2.3).
const CARRIER = 27102;
let h: Harness;
let sipp: SippProcess | undefined;

const withTrunk = (hookUrl: string) => {
  const doc = defaultConfig(hookUrl) as { domains: Record<string, { trunks: unknown[] }> };
  doc.domains[DOMAIN]!.trunks.push({
    id: 5,
    name: 'carrier',
    inbound: [],
    register: { host: `127.0.0.1:${CARRIER}`, username: 'trunkuser', password: 'trunkpass', expires: 4 },
  });
  return doc;
};

const carrier = (expires: number) =>
  startSipp({ scenario: 'uas-trunk-registrar.xml', port: CARRIER, vars: { expires: String(expires), regid: '5' }, timeoutS: 30 });

beforeAll(async () => {
  h = await startHarness(27101, withTrunk);
});

afterEach(() => sipp?.kill());

afterAll(async () => {
  await h?.stop();
});

describe('trunk registration', () => {
  it('registers with digest auth, records regtrunk, refreshes at half the grant, and recovers after the registrar was down', async () => {
    sipp = carrier(4);
    await new Promise((r) => setTimeout(r, 300));
    const replica = await h.startReplica({}, { leaseTtlMs: 1500, retryInitialMs: 300, retryMaxMs: 1000, requestTimeoutMs: 1500 });
    await until(async () => (await h.state.trunkRegistrations.get(DOMAIN, '5')) !== undefined, 5000, 'first registration');
    const first = (await h.state.trunkRegistrations.get(DOMAIN, '5'))!;
    expect(first).toMatchObject({
      trunkId: '5',
      registrar: `sip:127.0.0.1:${CARRIER}`,
      contact: expect.stringMatching(/^sip:trunkuser@127\.0\.0\.1:27101;x-regid=5$/),
      instanceId: replica.instanceId,
      granted: 4,
    });
    expect(first.remainingMs).toBeLessThanOrEqual(4000);
    // Two refreshes at ~2 s each: SIPp completes its three rounds only if both arrive, authenticated.
    const done = await sipp.done;
    expect(done.code, describeSipp(done)).toBe(0);
    expect(await h.redis.get(h.state.keys.lease('regtrunk:dragon.test:5'))).toBe(replica.instanceId);

    // The carrier is down now: the next refresh fails and is retried with backoff.
    await until(() => replica.trunks!.held()[0]?.state === 'failed', 8000, 'failed state');
    // The carrier comes back with a different grant: the retry registers again.
    sipp = carrier(6);
    await until(async () => (await h.state.trunkRegistrations.get(DOMAIN, '5'))?.granted === 6, 10_000, 'recovery');
    expect(replica.trunks!.held()[0]?.state).toBe('registered');
    await replica.stop();
  }, 60_000);
});
