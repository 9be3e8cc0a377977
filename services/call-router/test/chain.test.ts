import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import type { HookServer } from '@dragonpbx/testkit';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// The whole INVITE path through the real stack: SIPp → embedded SIP server →
// call-router (and registrar) → CallHook over HTTP → StatusHook events in
// JetStream; Redis for registrations, nonces and live calls.
const SIP = 29001;
const PHONE = 29002;
const TRUNK_PHONE = 29003;
let h: Harness;
const files = mkdtempSync(join(tmpdir(), 'call-router-chain-'));
writeFileSync(join(files, 'ivr.json'), '[{"verb":"response","code":{{#if (eq to "40")}}486{{else}}487{{/if}},"reason":"Template {{from}} {{count}}"}]');

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [
        {
          id: 1,
          username: '1000',
          password: 'pw1000',
          dialplan: {
            '2*': { callHook: hook.url('/call'), statusHook: hook.url('/status') },
            '30': { callHook: 'http://127.0.0.1:1/nothing-listens', statusHook: hook.url('/status') },
            '4?': 'file://ivr.json',
          },
        },
        { id: 2, username: '1001', password: 'pw1001', dialplan: { '*': hook.url('/call') } },
      ],
      trunks: [
        {
          id: 7,
          name: 'carrier',
          inbound: ['127.0.0.2/32'],
          outbound: { host: 'carrier.example', username: 'out', password: 'outsecret' },
          authUser: 'carrieruser',
          authPass: 'carrierpass',
          dialplan: { '0*': { callHook: hook.url('/trunkcall'), statusHook: hook.url('/status') } },
        },
      ],
    },
  },
});

beforeAll(async () => {
  h = await startHarness(SIP, config, { filePath: files });
  const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, user: '1000' }, vars: { user: '1000', password: 'pw1000' } });
  expect(reg.code, describeSipp(reg)).toBe(0);
  expect(await h.state.contacts.list(DOMAIN, '1000')).toHaveLength(1);
});

afterAll(async () => {
  await h?.stop();
  rmSync(files, { recursive: true, force: true });
});

/** A call from the registered phone 1000 (401, then digest) to `to`, answered `final` matching `check`. */
function call(to: string, final: number, check = '.', extra: { timeoutS?: number } = {}) {
  return runSipp({
    scenario: 'uac-invite-auth.xml',
    target: `127.0.0.1:${SIP}`,
    port: PHONE,
    keys: { domain: DOMAIN, from: '1000', to },
    vars: { from: '1000', password: 'pw1000', final: String(final), check },
    ...extra,
  });
}

/** The Call-ID of the latest CallHook request to `path`. */
const lastCallId = (path = '/call') => String(h.hook.callsTo(path).at(-1)?.body.callId);
const eventNames = (callId: string) => h.eventsOf(callId).map((e) => e.event);

describe('routing chain', () => {
  it('unknown domain → 404 without a challenge', async () => {
    const r = await runSipp({ scenario: 'uac-invite.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: 'nowhere.test', from: '1000', to: '2000' }, vars: { final: '404', check: 'X-Reason: rejecting unknown domain' } });
    expect(r.code, describeSipp(r)).toBe(0);
  });

  it('an INVITE requiring unknown extensions → 420 Bad Extension listing them, before any challenge (RFC 3261 §8.2.2.3)', async () => {
    const r = await runSipp({
      scenario: 'uac-invite-require.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '2000' },
      vars: { final: '420', check: 'Unsupported: nothingSupportsThis, nothingSupportsThisEither' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
  });

  it('401 with the configured algorithms, then the authenticated call reaches the CallHook with the reference body; response verb with custom reason and headers', async () => {
    h.hook.json('/call', [{ verb: 'response', code: 486, reason: 'Busy Right Now', headers: { 'X-Why': 'testing', 'X-N': 7 } }]);
    const r = await call('2001', 486, 'SIP/2.0 486 Busy Right Now.*X-Why: testing.*X-N: 7');
    expect(r.code, describeSipp(r)).toBe(0);
    const body = h.hook.callsTo('/call').at(-1)!.body;
    expect(body).toMatchObject({ domain: DOMAIN, from: '1000', to: '2001', sourceAddress: '127.0.0.1', source: 'client', refer: false, count: 0 });
    expect(Object.keys(body).sort()).toEqual(['callId', 'count', 'domain', 'from', 'headers', 'refer', 'source', 'sourceAddress', 'to']);
    expect(body.headers).toMatchObject({ 'X-Test-Call': body.callId, cseq: '2 INVITE' });
    expect(body.headers).not.toHaveProperty('authorization');
    const callId = String(body.callId);
    await until(() => h.eventsOf(callId).length === 2, 3000, 'response events');
    expect(h.eventsOf(callId)).toEqual([
      { callId, event: 'response:start', seq: 1, timestamp: expect.any(String), domain: DOMAIN },
      { callId, event: 'response:complete', seq: 2, timestamp: expect.any(String), domain: DOMAIN },
    ]);
    expect(h.events.find((e) => e.callId === callId)?.url).toBe(h.hook.url('/status'));
  });

  it('no dialplan match → 404; a client that is not registered → 404', async () => {
    const before = h.hook.callsTo('/call').length;
    const none = await call('9999', 404, 'X-Reason: no dialplan match');
    expect(none.code, describeSipp(none)).toBe(0);
    const unregistered = await runSipp({
      scenario: 'uac-invite-auth.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1001', to: '2001' },
      vars: { from: '1001', password: 'pw1001', final: '404', check: 'X-Reason: caller not registered' },
    });
    expect(unregistered.code, describeSipp(unregistered)).toBe(0);
    expect(h.hook.callsTo('/call').length).toBe(before);
  });

  it('a wrong password → 403', async () => {
    const r = await runSipp({
      scenario: 'uac-invite-auth.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '2001' },
      vars: { from: '1000', password: 'wrong', final: '403', check: 'X-Reason: Invalid credentials' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
  });

  it('CallHook down, HTTP 500, invalid JSON, slower than HOOK_TIMEOUT_MS → 480; an empty array → 500', async () => {
    const down = await call('30', 480);
    expect(down.code, describeSipp(down)).toBe(0);
    h.hook.route('/call', () => ({ kind: 'raw', status: 500, text: '[]' }));
    expect((await call('2002', 480)).code).toBe(0);
    h.hook.route('/call', () => ({ kind: 'raw', status: 200, text: '[{"verb":' }));
    expect((await call('2003', 480)).code).toBe(0);
    h.hook.route('/call', () => ({ kind: 'json', body: [{ verb: 'response', code: 486 }], delayMs: 1500 }));
    const t0 = Date.now();
    expect((await call('2004', 480)).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1500);
    h.hook.json('/call', []);
    expect((await call('2005', 500)).code).toBe(0);
  });

  it('an unknown verb → 500 and a script:invalid event naming the JSON path', async () => {
    h.hook.json('/call', [{ verb: 'pause', duration: 0 }, { verb: 'dance', style: 'tango' }]);
    const r = await call('2006', 500);
    expect(r.code, describeSipp(r)).toBe(0);
    const callId = lastCallId();
    await until(() => h.eventsOf(callId).length === 1, 3000, 'script:invalid');
    const [ev] = h.eventsOf(callId);
    expect(ev).toMatchObject({ event: 'script:invalid', seq: 1, domain: DOMAIN, error: { status: 500, reason: 'Invalid CallScript' } });
    expect((ev!.issues as { path: string }[]).map((i) => i.path)).toContain('/1/verb');
  });

  it('wrong parameter types are invalid too (path of the bad parameter)', async () => {
    h.hook.json('/call', [{ verb: 'pause', duration: 'long' }]);
    expect((await call('2007', 500)).code).toBe(0);
    const callId = lastCallId();
    await until(() => h.eventsOf(callId).length === 1, 3000, 'script:invalid');
    expect((h.eventsOf(callId)[0]!.issues as { path: string }[]).map((i) => i.path)).toContain('/0/duration');
  });

  it('1 000 destinations and deeply nested JSON are refused as invalid scripts (500), quickly', async () => {
    const dest = Array.from({ length: 1000 }, (_, i) => ({ type: 'sip', address: `sip:${i}@127.0.0.1:9` }));
    h.hook.json('/call', [{ verb: 'connect', dest }]);
    expect((await call('2012', 500)).code).toBe(0);
    const wide = lastCallId();
    await until(() => h.eventsOf(wide).length === 1, 3000, 'script:invalid');
    expect((h.eventsOf(wide)[0]!.issues as { path: string }[]).map((i) => i.path)).toContain('/0/dest');
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    h.hook.route('/call', () => ({ kind: 'raw', status: 200, text: deep }));
    const t0 = Date.now();
    expect((await call('2013', 500)).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('pause then response: waits, then answers; labels per verb, statusLabel false sends nothing', async () => {
    h.hook.json('/call', [
      { verb: 'pause', duration: 0.6, statusLabel: 'waiting' },
      { verb: 'response', code: 603, reason: 'Declined After Pause', statusLabel: false },
    ]);
    const t0 = Date.now();
    const r = await call('2008', 603, 'SIP/2.0 603 Declined After Pause');
    expect(r.code, describeSipp(r)).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    const callId = lastCallId();
    await until(() => h.eventsOf(callId).length === 2, 3000, 'pause events');
    await new Promise((res) => setTimeout(res, 200));
    expect(h.eventsOf(callId)).toEqual([
      expect.objectContaining({ event: 'pause:start', label: 'waiting', duration: 0.6, seq: 1 }),
      expect.objectContaining({ event: 'pause:complete', label: 'waiting', duration: 0.6, seq: 2 }),
    ]);
  });

  it('retry loop: each retry runs the newly fetched script (count 0..3), then 604', async () => {
    h.hook.route('/call', (body) => ({ kind: 'json', body: [{ verb: 'pause', duration: 0.05, statusLabel: `script-${String(body.count)}` }] }));
    const before = h.hook.callsTo('/call').length;
    const r = await call('2009', 604, 'SIP/2.0 604 ');
    expect(r.code, describeSipp(r)).toBe(0);
    const fetched = h.hook.callsTo('/call').slice(before);
    expect(fetched.map((c) => c.body.count)).toEqual([0, 1, 2, 3]);
    expect(new Set(fetched.map((c) => c.body.callId)).size).toBe(1);
    const callId = String(fetched[0]!.body.callId);
    await until(() => h.eventsOf(callId).length === 8, 3000, 'retry events');
    expect(h.eventsOf(callId).filter((e) => e.event === 'pause:start').map((e) => e.label)).toEqual(['script-0', 'script-1', 'script-2', 'script-3']);
    expect(h.eventsOf(callId).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a retry that answers ends the loop', async () => {
    h.hook.route('/call', (b) => ({ kind: 'json', body: b.count === 0 ? [{ verb: 'pause', duration: 0 }] : [{ verb: 'response', code: 480 }] }));
    const before = h.hook.callsTo('/call').length;
    expect((await call('2010', 480)).code).toBe(0);
    expect(h.hook.callsTo('/call').slice(before).map((c) => c.body.count)).toEqual([0, 1]);
  });

  it('caller CANCEL during pause: 487, no later verb, no retry, no late response; summary in Redis while live, removed after', async () => {
    h.hook.json('/call', [{ verb: 'pause', duration: 5 }, { verb: 'response', code: 486 }]);
    const before = h.hook.callsTo('/call').length;
    const t0 = Date.now();
    const run = startSipp({
      scenario: 'uac-invite-cancel.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '2011' },
      vars: { from: '1000', password: 'pw1000', wait: '700', quiet: '1000' },
    });
    await until(() => h.hook.callsTo('/call').length > before, 3000, 'CallHook');
    const callId = lastCallId();
    await until(async () => (await h.state.calls.get(callId)) !== undefined, 2000, 'live-call summary');
    expect(await h.state.calls.get(callId)).toMatchObject({ callId, domain: DOMAIN, from: '1000', to: '2011', instanceId: h.router.options.instanceId });
    expect(h.router.activeCalls).toBe(1);
    const r = await run.done;
    expect(r.code, describeSipp(r)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(4500);
    expect(h.hook.callsTo('/call').length).toBe(before + 1);
    expect(await h.state.calls.get(callId)).toBeUndefined();
    expect(h.router.activeCalls).toBe(0);
    expect(eventNames(callId)).toEqual(['pause:start']);
    expect(await h.redis.keys(`${h.prefix}call*`)).toEqual([]);
  });

  it('a file: CallHook is a Handlebars template under FILE_PATH rendered with the CallHook body', async () => {
    const r = await call('40', 486, 'SIP/2.0 486 Template 1000 0');
    expect(r.code, describeSipp(r)).toBe(0);
  });

  it('a trunk by source CIDR needs no credentials; its CallHook source is the trunk without credentials', async () => {
    h.hook.json('/trunkcall', [{ verb: 'response', code: 503, reason: 'Trunk Test' }]);
    const r = await runSipp({
      scenario: 'uac-invite.xml',
      target: `127.0.0.1:${SIP}`,
      port: TRUNK_PHONE,
      localIp: '127.0.0.2',
      keys: { domain: DOMAIN, from: '441234', to: '0800123' },
      vars: { final: '503', check: 'SIP/2.0 503 Trunk Test' },
    });
    expect(r.code, describeSipp(r)).toBe(0);
    const body = h.hook.callsTo('/trunkcall').at(-1)!.body;
    expect(body).toMatchObject({ from: '441234', to: '0800123', sourceAddress: '127.0.0.2', source: { id: 7, name: 'carrier', outbound: { host: 'carrier.example' } } });
    expect(JSON.stringify(body.source)).not.toMatch(/outsecret|carrierpass|carrieruser|"out"/);
  });
});
