import type { HookServer } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerIdentity, quotedNameContent, sipUser, trunkFrom } from '../src/verbs/connect/caller-identity.js';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// `connect` to `trunk` destinations and the B legs' caller identity, through the real stack:
// SIPp caller → SIP server → call-router → SIPp "providers", media anchored in the shared RTPEngine.
const SIP = 29841;
const PHONE = 29842;
const CARRIER = 29843;
const API_CARRIER = 29844;
const BOB = 29845;
const DIRECT_PHONE = 29846;
const DIRECT_CARRIER = 29847;
/** Audio port of a callee nobody listens on. */
const NO_RTP = 29848;
const PROXY = 29849;
const TRUNK_PASSWORD = 'trunk-s3cret-pw';
let h: Harness;

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [
        { id: 1, username: '1000', password: 'pw1000', codecs: ['PCMU'], dialplan: { '*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } },
        { id: 2, username: '1002', password: 'pw1002', codecs: ['DIRECT', 'PCMU'], dialplan: { '*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } },
      ],
      trunks: [
        // JSON backend: `name`; outbound with a port and credentials; its own codecs.
        { id: 7, name: 'carrier', outbound: { host: `127.0.0.1:${CARRIER}`, username: 'acct7', password: TRUNK_PASSWORD }, codecs: ['PCMA'] },
        // API backend style: `label`, no credentials, no codecs (DEFAULT_CODECS).
        { id: 8, label: 'api-carrier', outbound: { host: `127.0.0.1:${API_CARRIER}` } },
        // Direct media when the caller also lists DIRECT.
        { id: 10, name: 'direct-carrier', outbound: { host: `127.0.0.1:${DIRECT_CARRIER}` }, codecs: ['DIRECT', 'PCMU'] },
        // Inbound only: no outbound section.
        { id: 9, name: 'inbound-only', inbound: ['192.0.2.0/24'] },
      ],
    },
  },
});

beforeAll(async () => {
  h = await startHarness(SIP, config, {}, { media: true });
  for (const [user, port] of [['1000', PHONE], ['1002', DIRECT_PHONE]] as const) {
    const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port, keys: { domain: DOMAIN, user }, vars: { user, password: `pw${user}` } });
    expect(reg.code, describeSipp(reg)).toBe(0);
  }
});

afterAll(async () => {
  await h?.stop();
});

/** A literal for a SIPp regexp attribute: ERE-escaped, then XML-escaped (the value sits in an attribute). */
const lit = (s: string) =>
  s
    .replace(/[.[\]()*+?^$|\\{}]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const callee = (scenario: string, port: number, vars: Record<string, string>) => startSipp({ scenario, port, vars: { ring: '0', sdp: 'm=audio', bport: String(NO_RTP), ...vars }, timeoutS: 15 });
const caller = (scenario: string, to: string, vars: Record<string, string> = {}) =>
  runSipp({ scenario, target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, from: '1000', to }, vars: { from: '1000', password: 'pw1000', ...vars } });
const lastCallId = () => String(h.hook.callsTo('/call').at(-1)?.body.callId);
const names = (callId: string) => h.eventsOf(callId).map((e) => e.event);

async function eventsUntil(callId: string, last: string) {
  await until(() => names(callId).includes(last), 5000, last);
  await new Promise((r) => setTimeout(r, 150));
  return h.eventsOf(callId);
}

describe('trunk destinations', () => {
  it('trunk_id wins over trunk_name: Request-URI on the trunk host:port, From forced to the trunk host, digest with the trunk credentials, trunk codecs', async () => {
    h.hook.json('/call', [
      { verb: 'connect', callerId: '4455', callerName: 'Front Desk', dest: { type: 'trunk', trunk_id: 7, trunk_name: 'api-carrier', address: '02079460000' } },
    ]);
    const carrier = callee('uas-trunk-challenge.xml', CARRIER, {
      user: 'acct7',
      password: TRUNK_PASSWORD,
      ruri: lit(`sip:02079460000@127.0.0.1:${CARRIER}`),
      from: lit('"Front Desk" <sip:4455@127.0.0.1>;tag='),
      // The trunk's codecs (PCMA) are offered although the caller only has PCMU (transcoding).
      sdp: lit('a=rtpmap:8 PCMA/8000'),
    });
    const a = await caller('uac-call-bye.xml', '7001', { hold: '300' });
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carrier.done;
    expect(c.code, describeSipp(c)).toBe(0);
    const events = await eventsUntil(lastCallId(), 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(events[1]).toMatchObject({ index: 0, dest: { type: 'trunk', trunk_id: 7, address: '02079460000' } });
    expect(JSON.stringify(events)).not.toContain(TRUNK_PASSWORD);
  });

  it('proxy honoured: the INVITE goes to the proxy with the trunk Request-URI; a 407 is answered with Proxy-Authorization for the trunk user', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: { type: 'trunk', trunk_name: 'carrier', address: '0123', proxy: `sip:127.0.0.1:${PROXY}` } }]);
    const proxy = callee('uas-trunk-proxy-challenge.xml', PROXY, {
      user: 'acct7',
      ruri: lit(`sip:0123@127.0.0.1:${CARRIER}`),
      from: lit('"1000" <sip:1000@127.0.0.1>;tag='),
    });
    const a = await caller('uac-call-bye.xml', '7006', { hold: '300' });
    expect(a.code, describeSipp(a)).toBe(0);
    const p = await proxy.done;
    expect(p.code, describeSipp(p)).toBe(0);
    const events = await eventsUntil(lastCallId(), 'connect:complete');
    expect(events.find((e) => e.event === 'connect:answered')).toMatchObject({ dest: { proxy: `sip:127.0.0.1:${PROXY}` } });
    expect(JSON.stringify(events)).not.toContain(TRUNK_PASSWORD);
  });

  it('trunk_name matches a label; callerName defaults to callerId (the caller); an unknown trunk before it keeps index 0', async () => {
    h.hook.json('/call', [
      {
        verb: 'connect',
        dest: [
          { type: 'trunk', trunk_name: 'no-such-trunk', address: '0999' },
          { type: 'trunk', trunk_name: 'api-carrier', address: '0999' },
        ],
      },
    ]);
    const api = callee('uas-check-answer.xml', API_CARRIER, {
      ruri: lit(`sip:0999@127.0.0.1:${API_CARRIER}`),
      from: lit('"1000" <sip:1000@127.0.0.1>;tag='),
    });
    const a = await caller('uac-call-bye.xml', '7002', { hold: '300' });
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await api.done;
    expect(c.code, describeSipp(c)).toBe(0);
    const events = await eventsUntil(lastCallId(), 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:error', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(events[1]).toMatchObject({ index: 0, dest: { trunk_name: 'no-such-trunk' }, error: { status: 500, reason: 'no trunk with name "no-such-trunk"' } });
    expect(events[3]).toMatchObject({ index: 1, dest: { trunk_name: 'api-carrier' } });
  });

  it('unknown trunk id, unknown name, trunk without outbound: connect:error for each, then the next verb', async () => {
    h.hook.json('/call', [
      {
        verb: 'connect',
        dest: [
          { type: 'trunk', trunk_id: 99, address: '1' },
          { type: 'trunk', trunk_name: 'nope', address: '2' },
          { type: 'trunk', trunk_id: 9, address: '3' },
        ],
      },
      { verb: 'response', code: 503, reason: 'No Route' },
    ]);
    const a = await caller('uac-invite-auth.xml', '7003', { final: '503', check: 'No Route' });
    expect(a.code, describeSipp(a)).toBe(0);
    const events = await eventsUntil(lastCallId(), 'response:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:error', 'connect:error', 'connect:error', 'connect:complete', 'response:start', 'response:complete']);
    expect(events.slice(1, 4).map((e) => [e.index, (e.error as { reason: string }).reason])).toEqual([
      [0, 'no trunk with id 99'],
      [1, 'no trunk with name "nope"'],
      [2, 'trunk id 9 has no outbound host'],
    ]);
  });

  it('DIRECT in both the caller\'s and the trunk\'s codecs: the SDPs pass end to end, no RTPEngine session', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: { type: 'trunk', trunk_name: 'direct-carrier', address: '0555' } }]);
    // The caller's own offer (origin "o=- 1 1", RTPEngine would rewrite it) reaches the provider.
    const carrier = callee('uas-check-answer.xml', DIRECT_CARRIER, { ruri: lit(`sip:0555@127.0.0.1:${DIRECT_CARRIER}`), from: lit('"1002" <sip:1002@127.0.0.1>'), sdp: lit('o=- 1 1 IN IP4 127.0.0.1') });
    const run = startSipp({
      scenario: 'uac-call-bye.xml',
      target: `127.0.0.1:${SIP}`,
      port: DIRECT_PHONE,
      keys: { domain: DOMAIN, from: '1002', to: '7005' },
      vars: { from: '1002', password: 'pw1002', hold: '600' },
    });
    await until(() => names(lastCallId()).includes('connect:answered') && h.hook.callsTo('/call').at(-1)?.body.to === '7005', 5000, 'answered');
    const callId = lastCallId();
    expect(await h.redis.exists(`${h.prefix}media:engine:${callId}`)).toBe(0);
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carrier.done;
    expect(c.code, describeSipp(c)).toBe(0);
    const events = await eventsUntil(callId, 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
  });
});

describe('caller identity on B legs', () => {
  it('a sip leg carries callerName as the From display name and callerId as the user', async () => {
    h.hook.json('/call', [{ verb: 'connect', callerId: '4455', callerName: 'Front Desk', dest: { type: 'sip', address: `sip:bob@127.0.0.1:${BOB}` } }]);
    const bob = callee('uas-check-answer.xml', BOB, { ruri: lit(`sip:bob@127.0.0.1:${BOB}`), from: lit('"Front Desk" <sip:4455@127.0.0.1:') });
    const a = await caller('uac-call-bye.xml', '7004', { hold: '300' });
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
  });

  it('escapes caller input: quotes and backslashes in the name, anything outside RFC 3261 user characters in the number', () => {
    expect(quotedNameContent('Ann "The Boss" \\ Smith\r\nX-Evil: 1')).toBe('Ann \\"The Boss\\" \\\\ SmithX-Evil: 1');
    expect(sipUser('+44 20>@x')).toBe('+44%2020%3E%40x');
    expect(callerIdentity({}, '')).toEqual({ user: 'anonymous', name: 'anonymous' });
    expect(callerIdentity({ callerId: '99' }, '1000')).toEqual({ user: '99', name: '99' });
    expect(trunkFrom(callerIdentity({ callerName: 'Reception' }, '1000'), 'sip.carrier.example')).toBe('"Reception" <sip:1000@sip.carrier.example>');
  });
});
