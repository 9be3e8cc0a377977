import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerChallenge } from '../src/digest/answer-challenge.js';
import { parseDigestCredentials } from '../src/digest/digest-credentials.js';
import { DigestVerifier } from '../src/digest/digest-verifier.js';
import { stateFixture } from './state-fixture.js';

type Fixture = Awaited<ReturnType<typeof stateFixture>>;
let f: Fixture;
beforeEach(async () => {
  f = await stateFixture();
});
afterEach(async () => {
  await f.cleanup();
});

const SECRET = 'shared-cluster-secret-123';
const realm = 'pbx.example.com';

describe('nonce replay records (real Redis)', () => {
  it('claims each (nonce, nc) once with SET NX PX', async () => {
    expect(await f.store.nonces.claimNonce('abc', '00000001', 5000)).toBe(true);
    expect(await f.store.nonces.claimNonce('abc', '00000001', 5000)).toBe(false);
    expect(await f.store.nonces.claimNonce('abc', '00000002', 5000)).toBe(true);
    expect(await f.store.nonces.claimNonce('abc', '', 5000)).toBe(true);
    expect(await f.keys()).toEqual([`${f.prefix}nonce:abc:-`, `${f.prefix}nonce:abc:00000001`, `${f.prefix}nonce:abc:00000002`]);
    const ttl = await f.redis.pttl(`${f.prefix}nonce:abc:00000001`);
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('refuses a replay on another instance sharing the secret and Redis', async () => {
    const peer = await f.peer();
    const a = new DigestVerifier({ secret: SECRET, lifetimeSec: 30 }, { replay: f.store.nonces });
    const b = new DigestVerifier({ secret: SECRET, lifetimeSec: 30 }, { replay: peer.nonces });
    const challenge = a.challenge(realm);
    const header = answerChallenge({ challenge, method: 'REGISTER', uri: `sip:${realm}`, username: '1000', password: 'pw' }).header;
    const credentials = parseDigestCredentials(header);
    const input = { credentials, method: 'REGISTER', realm, password: 'pw' };
    // Both instances race on the same request: exactly one accepts it.
    const outcomes = await Promise.all([a.verify(input), b.verify(input)]);
    expect(outcomes.sort()).toEqual(['ok', 'replay']);
    expect(await a.verify(input)).toBe('replay');
    const key = `${f.prefix}nonce:${credentials.nonce}:00000001`;
    expect(await f.redis.get(key)).toBe('1');
    const ttl = await f.redis.pttl(key);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(31_000);
  });
});
