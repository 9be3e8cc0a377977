import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness } from './helpers/harness.js';
import { RegisterUa, authorize } from '@dragonpbx/testkit';

// Nonces older than their lifetime are re-challenged with stale=true (RFC 7616 §3.3).
// Own replica with a 1 s lifetime, so no other test can be slowed into staleness.
let h: Harness;
let ua: RegisterUa;

beforeAll(async () => {
  h = await startHarness(27066);
  await h.startReplica({ flood: { enabled: false }, nonceLifetimeSec: 1 });
  ua = await RegisterUa.open(h.sipPort);
});

afterAll(async () => {
  ua?.close();
  await h?.stop();
});

describe('stale nonces', () => {
  it('RegHook client: re-challenged with stale=true without calling the hook', async () => {
    const spec = { domain: DOMAIN, user: '2004' };
    const challenge = await ua.register(spec);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await ua.register({ ...spec, authorization: authorize(challenge!, spec, 'x') });
    expect(r?.status).toBe(401);
    expect(r?.get('www-authenticate')).toContain('stale=true');
    expect(h.hook.calls).toHaveLength(0);
    expect(await h.state.contacts.list(DOMAIN, '2004')).toEqual([]);
  });

  it('static client: a right digest on an old nonce gets stale=true, a wrong one 403', async () => {
    const spec = { domain: DOMAIN, user: '1001' };
    const challenge = await ua.register(spec);
    await new Promise((r) => setTimeout(r, 1100));
    const right = await ua.register({ ...spec, authorization: authorize(challenge!, spec, 'secret1001') });
    expect(right?.status).toBe(401);
    expect(right?.get('www-authenticate')).toContain('stale=true');
    const wrong = await ua.register({ ...spec, authorization: authorize(challenge!, spec, 'nope', 2) });
    expect(wrong?.status).toBe(403);
    expect(await h.state.contacts.list(DOMAIN, '1001')).toEqual([]);
  });
});
