import { verifyWebhook } from '@dragonpbx/shared/webhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, SIGNING_SECRET, startHarness, until } from './helpers/harness.js';
import { RegisterUa } from '@dragonpbx/testkit';

// RegHook clients (`2???`): the hook body and failure mapping of docs/contract.md §3.1,
// multi-contact bindings, de-registration and refresh.
let h: Harness;
let ua: RegisterUa;

beforeAll(async () => {
  h = await startHarness(27021);
  await h.startReplica({ minExpires: 30, maxExpires: 900, flood: { enabled: false }, retryAfterSec: 17 });
  ua = await RegisterUa.open(h.sipPort);
});

afterAll(async () => {
  ua?.close();
  await h?.stop();
});

beforeEach(() => {
  h.hook.calls.length = 0;
  h.hook.reply = { kind: 'json', body: { status: 'ok' } };
});

const contact = (n: number) => `<sip:2000@10.0.0.${n}:5060;transport=udp>`;

describe('RegHook', () => {
  it('receives exactly the documented fields, signed, and its grant is stored', async () => {
    h.hook.reply = {
      kind: 'json',
      body: { status: 'OK', expires: 300, dialplan: { '0*': 'https://hooks.test/out' }, codecs: ['PCMA', 'DIRECT'], maxClients: 2 },
    };
    const { final, authorization } = await ua.registerWithAuth({ domain: DOMAIN, user: '2000', contact: contact(1), expires: 1800 }, 'hook-checks-this');
    expect(final.status).toBe(200);
    expect(final.get('expires')).toBe('300');
    expect(h.hook.calls).toHaveLength(1);
    const call = h.hook.calls[0]!;
    const sent = Object.fromEntries(authorization.replace(/^Digest /, '').split(/,\s*/).map((kv) => {
      const [k, v] = kv.split('=') as [string, string];
      return [k, v.replace(/^"|"$/g, '')];
    }));
    expect(call.body).toEqual({
      username: '2000',
      realm: DOMAIN,
      nonce: sent.nonce,
      uri: `sip:${DOMAIN}`,
      response: sent.response,
      method: 'REGISTER',
      source_address: '127.0.0.1',
      source_port: ua.port,
      expires: 1800,
      scheme: 'digest',
      algorithm: 'SHA-256',
      qop: 'auth',
      nc: '00000001',
      cnonce: sent.cnonce,
    });
    expect(() => verifyWebhook(SIGNING_SECRET, call.headers as Record<string, string>, call.raw)).not.toThrow();
    const [c] = await h.state.contacts.list(DOMAIN, '2000');
    expect(c).toMatchObject({ uri: 'sip:2000@10.0.0.1:5060;transport=udp', dialplan: { '0*': 'https://hooks.test/out' }, codecs: ['PCMA', 'DIRECT'] });
  });

  it('keeps maxClients contacts, evicting the oldest, and lists them all in the 200 OK', async () => {
    await h.state.contacts.clear(DOMAIN, '2001');
    h.hook.reply = { kind: 'json', body: { status: 'ok', maxClients: 2 } };
    for (const n of [1, 2, 3]) {
      const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '2001', contact: contact(n).replace('2000', '2001'), expires: 60 }, 'x');
      expect(final.status).toBe(200);
      await new Promise((r) => setTimeout(r, 5));
    }
    const stored = await h.state.contacts.list(DOMAIN, '2001');
    expect(stored.map((s) => s.uri).sort()).toEqual(['sip:2001@10.0.0.2:5060;transport=udp', 'sip:2001@10.0.0.3:5060;transport=udp']);
    await until(() => h.events.some((e) => e.user === '2001' && e.type === 'evicted'), 3000, 'eviction event');
    expect(h.events.find((e) => e.user === '2001' && e.type === 'evicted')?.contact).toBe('sip:2001@10.0.0.1:5060;transport=udp');
  });

  it('refreshes a binding, removes one with Expires: 0 and all with Contact: *', async () => {
    const user = '2002';
    const c = (n: number) => contact(n).replace('2000', user);
    h.hook.reply = { kind: 'json', body: { status: 'ok', maxClients: 3, expires: 40 } };
    await ua.registerWithAuth({ domain: DOMAIN, user, contact: c(1), expires: 60 }, 'x');
    await ua.registerWithAuth({ domain: DOMAIN, user, contact: c(2), expires: 60 }, 'x');
    const before = await h.state.contacts.list(DOMAIN, user);
    expect(before).toHaveLength(2);
    // Refresh with a longer grant: same binding, later expiry, "refreshed" event.
    h.hook.reply = { kind: 'json', body: { status: 'ok', maxClients: 3, expires: 500 } };
    const refresh = await ua.registerWithAuth({ domain: DOMAIN, user, contact: c(1), expires: 60 }, 'x');
    expect(refresh.final.get('expires')).toBe('500');
    expect(refresh.final.get('contact')).toContain('<sip:2002@10.0.0.1:5060;transport=udp>;expires=500');
    const refreshed = await h.state.contacts.list(DOMAIN, user);
    expect(refreshed).toHaveLength(2);
    expect(refreshed.find((s) => s.uri.includes('10.0.0.1'))!.expiresIn).toBeGreaterThan(490);
    await until(() => h.events.some((e) => e.user === user && e.type === 'refreshed'), 3000, 'refresh event');

    const removeOne = await ua.registerWithAuth({ domain: DOMAIN, user, contact: c(1), expires: 0 }, 'x');
    expect(removeOne.final.status).toBe(200);
    expect(h.hook.calls.at(-1)?.body.expires).toBe(0);
    expect((await h.state.contacts.list(DOMAIN, user)).map((s) => s.uri)).toEqual(['sip:2002@10.0.0.2:5060;transport=udp']);

    const removeAll = await ua.registerWithAuth({ domain: DOMAIN, user, contact: '*', expires: 0 }, 'x');
    expect(removeAll.final.status).toBe(200);
    expect(removeAll.final.get('contact')).toBeUndefined();
    expect(await h.state.contacts.list(DOMAIN, user)).toEqual([]);
    expect(await h.redis.exists(h.state.keys.client(DOMAIN, user))).toBe(0);
  });

  it('answers a REGISTER without Contact with the current bindings (a query)', async () => {
    await ua.registerWithAuth({ domain: DOMAIN, user: '2003', contact: contact(4).replace('2000', '2003'), expires: 60 }, 'x');
    const q = await ua.registerWithAuth({ domain: DOMAIN, user: '2003', contact: null }, 'x');
    expect(q.final.status).toBe(200);
    expect(q.final.get('contact')).toMatch(/^<sip:2003@10\.0\.0\.4:5060;transport=udp>;expires=\d+$/);
  });

  it.each([
    ['status other than ok', { kind: 'json', body: { status: 'denied' } }, 403, 'Invalid credentials'],
    ['blacklist', { kind: 'json', body: { status: 'fail', blacklist: true } }, 403, 'detected potential spammer from 127.0.0.1:'],
    ['HTTP 500', { kind: 'json', status: 500, body: { status: 'ok' } }, 403, 'Invalid credentials'],
    ['HTTP 404', { kind: 'raw', status: 404, text: 'nope' }, 403, 'Invalid credentials'],
    ['garbage JSON', { kind: 'raw', status: 200, text: '{"status": ok' }, 500, undefined],
    ['an empty body', { kind: 'raw', status: 200, text: '' }, 500, undefined],
    ['ok with an invalid dialplan', { kind: 'json', body: { status: 'ok', dialplan: 'x' } }, 500, undefined],
  ] as const)('maps %s to SIP %i and stores nothing', async (_name, reply, status, reason) => {
    h.hook.reply = reply;
    const user = '2100';
    const { final } = await ua.registerWithAuth({ domain: DOMAIN, user, contact: contact(9).replace('2000', user) }, 'x');
    expect(final.status).toBe(status);
    if (reason) expect(final.get('x-reason')).toContain(reason);
    expect(await h.state.contacts.list(DOMAIN, user)).toEqual([]);
  });

  it('maps a RegHook timeout to 503 with Retry-After', async () => {
    h.hook.reply = { kind: 'hang' };
    const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '2101' }, 'x');
    expect(final.status).toBe(503);
    expect(final.get('retry-after')).toBe('17');
    expect(await h.state.contacts.list(DOMAIN, '2101')).toEqual([]);
  });

  it('maps an unreachable RegHook to 503 with Retry-After', async () => {
    const doc = JSON.parse((await import('node:fs')).readFileSync(h.configFile, 'utf8'));
    doc.domains[DOMAIN].clients.push({ id: 9, username: '3???', reghook: 'http://127.0.0.1:1/closed' });
    h.writeConfig(doc);
    await until(() => h.config.getRegHook(DOMAIN, '3000') !== undefined, 3000, 'config reload');
    const { final } = await ua.registerWithAuth({ domain: DOMAIN, user: '3000' }, 'x');
    expect(final.status).toBe(503);
    expect(final.get('retry-after')).toBe('17');
  });

  it('refuses a replayed (nonce, nc) before calling the hook', async () => {
    const spec = { domain: DOMAIN, user: '2005' };
    const { final, authorization } = await ua.registerWithAuth(spec, 'x');
    expect(final.status).toBe(200);
    const replay = await ua.register({ ...spec, authorization });
    expect(replay?.status).toBe(403);
    expect(replay?.get('x-reason')).toBe('Nonce reused');
    expect(h.hook.calls).toHaveLength(1);
  });
});
