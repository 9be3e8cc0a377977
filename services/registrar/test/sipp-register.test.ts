import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp } from './helpers/sipp.js';

// Real phones' REGISTERs with digest auth, sent by SIPp (MD5: SIPp does not
// answer SHA-256) through the in-process SIP server to the registrar.
let h: Harness;
const SIPP = 27042;

beforeAll(async () => {
  h = await startHarness(27041);
  await h.startReplica({ minExpires: 45, maxExpires: 900, flood: { enabled: false }, algorithms: ['MD5'] });
});

afterAll(async () => {
  await h?.stop();
});

const target = () => `127.0.0.1:${h.sipPort}`;

describe('SIPp REGISTER', () => {
  it('first REGISTER → 401 → authorized 200 with the clamped Expires (static password)', async () => {
    const r = await runSipp({
      scenario: 'uac-register-auth.xml',
      target: target(),
      port: SIPP,
      keys: { domain: DOMAIN, user: '1001', expires: '10' },
      vars: { granted: '45', final: '200', user: '1001', password: 'secret1001' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
    const [c] = await h.state.contacts.list(DOMAIN, '1001');
    expect(c).toMatchObject({ uri: `sip:1001@127.0.0.1:${SIPP}`, proxy: `sip:127.0.0.1:${SIPP}`, userAgent: 'SIPp registrar test' });
    expect(c!.expiresIn).toBeLessThanOrEqual(45);
  });

  it('RegHook client: the hook sees MD5 digest fields and its grant is clamped', async () => {
    h.hook.calls.length = 0;
    h.hook.reply = { kind: 'json', body: { status: 'ok', expires: 5000, codecs: ['PCMU'] } };
    const r = await runSipp({
      scenario: 'uac-register-auth.xml',
      target: target(),
      port: SIPP,
      keys: { domain: DOMAIN, user: '2500', expires: '600' },
      vars: { granted: '900', final: '200', user: '2500', password: 'anything' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
    expect(h.hook.calls[0]?.body).toMatchObject({ username: '2500', realm: DOMAIN, algorithm: 'MD5', expires: 600, source_port: SIPP });
    const [c] = await h.state.contacts.list(DOMAIN, '2500');
    expect(c).toMatchObject({ codecs: ['PCMU'] });
    expect(c!.expiresIn).toBeGreaterThan(890);
  });

  it('wrong password → 403; RegHook reject → 403; RegHook down → 503', async () => {
    const wrong = await runSipp({
      scenario: 'uac-register-fail.xml',
      target: target(),
      port: SIPP,
      keys: { domain: DOMAIN, user: '1000' },
      vars: { final: '403', user: '1000', password: 'bad' },
    });
    expect(wrong.code, describeSipp(wrong)).toBe(0);
    h.hook.reply = { kind: 'json', body: { status: 'no' } };
    const rejected = await runSipp({
      scenario: 'uac-register-fail.xml',
      target: target(),
      port: SIPP,
      keys: { domain: DOMAIN, user: '2501' },
      vars: { final: '403', user: '2501', password: 'x' },
    });
    expect(rejected.code, describeSipp(rejected)).toBe(0);
    h.hook.reply = { kind: 'hang' };
    const down = await runSipp({
      scenario: 'uac-register-fail.xml',
      target: target(),
      port: SIPP,
      keys: { domain: DOMAIN, user: '2502' },
      vars: { final: '503', user: '2502', password: 'x' },
    });
    expect(down.code, describeSipp(down)).toBe(0);
    expect(await h.state.contacts.list(DOMAIN, '1000')).toEqual([]);
    expect(await h.state.contacts.list(DOMAIN, '2501')).toEqual([]);
    expect(await h.state.contacts.list(DOMAIN, '2502')).toEqual([]);
  });

  it('multi-contact with eviction, removal with Expires: 0 and with Contact: *', async () => {
    const mark = h.events.length;
    const r = await runSipp({
      scenario: 'uac-register-lifecycle.xml',
      target: target(),
      port: SIPP,
      keys: { domain: DOMAIN, user: '1000' },
      vars: { user: '1000', password: 'secret1000' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
    const base = `@127.0.0.1:${SIPP}`;
    await until(() => h.events.length - mark >= 6, 3000, 'six registration events');
    expect(h.events.slice(mark).map((e) => `${e.type} ${e.contact}`)).toEqual([
      `registered sip:1000-a${base}`,
      `registered sip:1000-b${base}`,
      `registered sip:1000-c${base}`,
      `evicted sip:1000-a${base}`,
      `unregistered sip:1000-b${base}`,
      'unregistered *',
    ]);
    expect(await h.state.contacts.list(DOMAIN, '1000')).toEqual([]);
  });

  it('unknown domain → 500 without a challenge', async () => {
    const r = await runSipp({
      scenario: 'uac-register-status.xml',
      target: target(),
      port: SIPP,
      keys: { domain: 'unknown.test', user: '1000' },
      vars: { final: '500' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
  });
});
