import { computeDigestResponse } from '@dragonpbx/shared/sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { RegisterUa, authorize } from '@dragonpbx/testkit';

// REGISTER with static-password clients through a real in-process SIP server,
// a drachtio-srf registrar, Redis and NATS (docs/contract.md §1.3, RFC 3261 §10.3).
let h: Harness;
let ua: RegisterUa;

beforeAll(async () => {
  h = await startHarness(27001);
  // Every request here comes from 127.0.0.1: the flood guard is tested in flood.test.ts.
  await h.startReplica({ minExpires: 60, maxExpires: 600, flood: { enabled: false } });
  ua = await RegisterUa.open(h.sipPort);
});

afterAll(async () => {
  ua?.close();
  await h?.stop();
});

describe('REGISTER with a static password', () => {
  it('challenges with SHA-256 and MD5 for the domain realm, then grants the clamped expiry', async () => {
    const { challenge, final } = await ua.registerWithAuth({ domain: DOMAIN, user: '1001', expires: 5 }, 'secret1001');
    const challenges = challenge.all('www-authenticate');
    expect(challenges).toHaveLength(2);
    expect(challenges[0]).toMatch(/^Digest realm="dragon\.test", nonce="[^"]+", algorithm=SHA-256, qop="auth"$/);
    expect(challenges[1]).toContain('algorithm=MD5');
    expect(final.status).toBe(200);
    // 5 s asked, minimum 60 granted (REGISTRATION_MIN_SECS).
    expect(final.get('expires')).toBe('60');
    expect(final.get('contact')).toBe(`<sip:1001@127.0.0.1:${ua.port}>;expires=60`);
    const stored = await h.state.contacts.list(DOMAIN, '1001');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      uri: `sip:1001@127.0.0.1:${ua.port}`,
      proxy: `sip:127.0.0.1:${ua.port}`,
      source: { ip: '127.0.0.1', port: ua.port, transport: 'udp' },
      codecs: ['G722', 'PCMA', 'PCMU'],
      userAgent: 'dragon-test-ua',
    });
    expect(stored[0]!.expiresIn).toBeGreaterThan(55);
    expect(stored[0]!.expiresIn).toBeLessThanOrEqual(60);
    await until(() => h.events.some((e) => e.user === '1001' && e.type === 'registered'), 3000, 'NATS event');
    const ev = h.events.find((e) => e.user === '1001')!;
    expect(ev).toMatchObject({ domain: DOMAIN, contact: `sip:1001@127.0.0.1:${ua.port}`, expires: 60, source: { ip: '127.0.0.1', port: ua.port } });
  });

  it('stores the client dialplan and codecs and clamps a large request to the maximum', async () => {
    const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '1000', expires: 100_000 }, 'secret1000');
    expect(final.status).toBe(200);
    // The client entry's own `expires: 120` is the grant (docs/contract.md §2.2), within [60, 600].
    expect(final.get('expires')).toBe('120');
    const [c] = await h.state.contacts.list(DOMAIN, '1000');
    expect(c).toMatchObject({ dialplan: { '1???': 'http://127.0.0.1:9/call' }, codecs: ['PCMU'] });
  });

  it('refuses a wrong password with 403 and stores nothing', async () => {
    const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '1001', contact: '<sip:1001@10.9.9.9>' }, 'wrong');
    expect(final.status).toBe(403);
    expect(final.get('x-reason')).toBe('Invalid credentials');
    const stored = await h.state.contacts.list(DOMAIN, '1001');
    expect(stored.map((s) => s.uri)).not.toContain('sip:1001@10.9.9.9');
  });

  it('answers an unknown domain with 500 and no challenge', async () => {
    const r = await ua.register({ domain: 'nowhere.test', user: '1001' });
    expect(r?.status).toBe(500);
    expect(r?.get('x-reason')).toBe('rejecting unknown domain');
    expect(r?.all('www-authenticate')).toEqual([]);
  });

  it('refuses a user no client matches with 403 after the challenge', async () => {
    const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '9999' }, 'x');
    expect(final.status).toBe(403);
    expect(await h.state.contacts.list(DOMAIN, '9999')).toEqual([]);
  });

  it('refuses credentials for another user than the To header', async () => {
    const challenge = await ua.register({ domain: DOMAIN, user: '1000' });
    const authorization = authorize(challenge!, { domain: DOMAIN, user: '1001' }, 'secret1001');
    const r = await ua.register({ domain: DOMAIN, user: '1000', authorization });
    expect(r?.status).toBe(403);
    expect(r?.get('x-reason')).toBe('Username does not match To');
  });

  it('refuses a replayed (nonce, nc) and accepts the next nc', async () => {
    const spec = { domain: DOMAIN, user: '1001', contact: '<sip:1001@10.1.1.1:5060>' };
    const { final, authorization, challenge } = await ua.registerWithAuth(spec, 'secret1001');
    expect(final.status).toBe(200);
    const replay = await ua.register({ ...spec, authorization });
    expect(replay?.status).toBe(403);
    expect(replay?.get('x-reason')).toBe('Nonce reused');
    const next = await ua.register({ ...spec, authorization: authorize(challenge, spec, 'secret1001', 2) });
    expect(next?.status).toBe(200);
  });

  it('gives every challenge its own nonce and accepts each (nonce, nc) once, whoever presents it', async () => {
    const challenge = await ua.register({ domain: DOMAIN, user: '1001' });
    const other = await ua.register({ domain: DOMAIN, user: '1000' });
    const nonceOf = (r: typeof challenge) => /nonce="([^"]+)"/.exec(r!.get('www-authenticate')!)![1];
    expect(nonceOf(challenge)).not.toBe(nonceOf(other));
    const a = { domain: DOMAIN, user: '1001', contact: '<sip:1001@10.5.5.1>' };
    const b = { domain: DOMAIN, user: '1000', contact: '<sip:1000@10.5.5.2>' };
    expect((await ua.register({ ...a, authorization: authorize(challenge!, a, 'secret1001') }))?.status).toBe(200);
    // Another UA answering the same nonce with nc=1 is a replay of that (nonce, nc).
    expect((await ua.register({ ...b, authorization: authorize(challenge!, b, 'secret1000') }))?.status).toBe(403);
    expect((await ua.register({ ...b, authorization: authorize(other!, b, 'secret1000') }))?.status).toBe(200);
  });

  it('re-challenges a reused nonce from a UA without qop (RFC 2069 style)', async () => {
    const challenge = await ua.register({ domain: DOMAIN, user: '1001' });
    const nonce = /nonce="([^"]+)"/.exec(challenge!.get('www-authenticate')!)![1]!;
    const uri = `sip:${DOMAIN}`;
    const response = computeDigestResponse({ algorithm: 'MD5', username: '1001', realm: DOMAIN, password: 'secret1001', method: 'REGISTER', uri, nonce });
    const authorization = `Digest username="1001", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`;
    const spec = { domain: DOMAIN, user: '1001', contact: '<sip:1001@10.5.5.3>' };
    expect((await ua.register({ ...spec, authorization }))?.status).toBe(200);
    const again = await ua.register({ ...spec, authorization });
    expect(again?.status).toBe(401);
    expect(again?.get('www-authenticate')).not.toContain(nonce);
  });

  it('re-challenges a nonce that is not ours', async () => {
    const challenge = await ua.register({ domain: DOMAIN, user: '1001' });
    const good = authorize(challenge!, { domain: DOMAIN, user: '1001' }, 'secret1001');
    const forged = good.replace(/nonce="[^"]+"/, `nonce="${'A'.repeat(64)}"`);
    const r = await ua.register({ domain: DOMAIN, user: '1001', authorization: forged });
    expect(r?.status).toBe(401);
    expect(r?.get('www-authenticate')).not.toContain('stale');
  });

  it('answers credentials for another realm with 403 Unknown or invalid realm', async () => {
    const challenge = await ua.register({ domain: DOMAIN, user: '1001' });
    const auth = authorize(challenge!, { domain: DOMAIN, user: '1001' }, 'secret1001').replace('realm="dragon.test"', 'realm="other.test"');
    const r = await ua.register({ domain: DOMAIN, user: '1001', authorization: auth });
    expect(r?.status).toBe(403);
    expect(r?.get('x-reason')).toBe('Unknown or invalid realm');
  });

  it('ignores an out-of-order REGISTER (same Call-ID, lower CSeq) for a binding (RFC 3261 §10.3 step 7)', async () => {
    const spec = { domain: DOMAIN, user: '1000', contact: '<sip:1000@10.3.3.3>', callId: 'ordered@test', expires: 300 };
    const c1 = await ua.register({ ...spec, cseq: 10 });
    const first = await ua.register({ ...spec, cseq: 11, authorization: authorize(c1!, spec, 'secret1000') });
    expect(first?.status).toBe(200);
    const c2 = await ua.register({ ...spec, cseq: 5, expires: 0 });
    const late = await ua.register({ ...spec, cseq: 6, expires: 0, authorization: authorize(c2!, spec, 'secret1000') });
    expect(late?.status).toBe(200);
    // The late de-registration did not remove the binding.
    expect((await h.state.contacts.list(DOMAIN, '1000')).map((c) => c.uri)).toContain('sip:1000@10.3.3.3');
  });

  it('answers malformed requests with 400 and a reason', async () => {
    const bad = await ua.register({ domain: DOMAIN, user: '1001', expires: 'soon' });
    expect(bad?.status).toBe(400);
    expect(bad?.get('x-reason')).toContain('Expires');
    const star = await ua.register({ domain: DOMAIN, user: '1001', contact: '*', expires: 60 });
    expect(star?.status).toBe(400);
    // The SIP server may refuse this itself (RFC 3261 §10.3 step 6) before the registrar sees it.
    expect(`${star?.reason} ${star?.get('x-reason') ?? ''}`).toContain('Expires: 0');
    const header = await ua.register({ domain: DOMAIN, user: '1001', authorization: 'Digest username="1001"' });
    expect(header?.status).toBe(400);
  });

  it('challenges credentials in an unknown scheme with Digest (RFC 4475 §3.3.7 unksm), then grants the Digest answer', async () => {
    const spec = { domain: DOMAIN, user: '1001', callId: 'unksm@test' };
    const r = await ua.register({ ...spec, cseq: 1, authorization: 'NoOneKnowsThisScheme opaque-data=here' });
    expect(r?.status).toBe(401);
    expect(r?.all('www-authenticate').join(',')).toMatch(/^Digest /);
    const ok = await ua.register({ ...spec, cseq: 2, authorization: authorize(r!, spec, 'secret1001') });
    expect(ok?.status).toBe(200);
  });

  it('answers a REGISTER that requires an unsupported extension 420 Bad Extension with Unsupported (RFC 3261 §10.3 step 2)', async () => {
    const r = await ua.register({ domain: DOMAIN, user: '1001', extraHeaders: ['Require: nothingSupportsThis, nothingSupportsThisEither'] });
    expect(r?.status).toBe(420);
    expect(r?.reason).toBe('Bad Extension');
    expect(r?.get('unsupported')).toBe('nothingSupportsThis, nothingSupportsThisEither');
  });
});
