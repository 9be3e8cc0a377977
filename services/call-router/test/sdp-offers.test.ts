import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaClient } from '@dragonpbx/shared/messaging';
import type { HookServer, SippResult } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// Offers the call-router must handle or refuse (docs/contract.md §4.2, §5.3):
// a caller INVITE without SDP (late offer) bridged through RTPEngine, and SDP
// refused before any leg is called. SIPp caller → SIP server → call-router →
// SIPp callee, media anchored in the shared RTPEngine.
const SIP = 29801;
const PHONE = 29802;
const BOB = 29803;
const CAROL = 29804;
const A_MEDIA = 29810;
const B_MEDIA = 29812;
const C_MEDIA = 29814;
let h: Harness;
let media: MediaClient;
const work = mkdtempSync(join(tmpdir(), 'call-router-sdp-'));

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [{ id: 1, username: '1000', password: 'pw1000', codecs: ['PCMU'], dialplan: { '5*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } }],
      trunks: [],
    },
  },
});

beforeAll(async () => {
  h = await startHarness(SIP, config, { mediaPath: work }, { media: true });
  media = new MediaClient({ subjects: h.subjects, timeoutMs: 3000 }, { nc: h.nc });
  const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, user: '1000' }, vars: { user: '1000', password: 'pw1000' } });
  expect(reg.code, describeSipp(reg)).toBe(0);
});

afterAll(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

const sipDest = (port: number) => ({ type: 'sip', address: `sip:callee@127.0.0.1:${port}` });
const lastCallId = () => String(h.hook.callsTo('/call').at(-1)?.body.callId);
const names = (callId: string) => h.eventsOf(callId).map((e) => e.event);
const keys = (to: string) => ({ domain: DOMAIN, from: '1000', to });
const auth = { from: '1000', password: 'pw1000' };

/** `A <port>` / `B <port>` lines the SIPp scenarios append. */
function portsIn(file: string): Record<string, number> {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^([AB]) (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('late offer (INVITE without SDP)', () => {
  it('is bridged end to end: B offers in its 200, the caller answers in its ACK, both SDPs point at RTPEngine', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB), statusLabel: 'late' }]);
    const out = join(work, 'late-ports.txt');
    const bob = startSipp({ scenario: 'uas-late-offer.xml', port: BOB, vars: { bmedia: String(B_MEDIA), out, pt: '0', codec: 'PCMU' }, timeoutS: 15 });
    const before = h.hook.callsTo('/call').length;
    const run = startSipp({
      scenario: 'uac-late-offer.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: keys('5001'),
      vars: { ...auth, hold: '1500', amedia: String(A_MEDIA), out },
      timeoutS: 15,
    });
    await until(() => h.hook.callsTo('/call').length > before, 3000, 'CallHook');
    let ended: SippResult | undefined;
    void run.done.then((r) => {
      ended = r;
    });
    await until(() => Object.keys(portsIn(out)).length === 2 || ended !== undefined, 10_000, 'both SDPs seen');
    expect(Object.keys(portsIn(out)), ended && describeSipp(ended)).toHaveLength(2);
    const callId = lastCallId();
    const ports = portsIn(out);
    // The caller's offer and B's answer are RTPEngine's ports, one per party, never the far ends'.
    const { parties } = await media.query({ callId });
    expect(parties).toHaveLength(2);
    const partyOf = (port: number) => parties.findIndex((p) => p.localPorts.includes(port));
    expect(partyOf(ports.A!)).toBeGreaterThanOrEqual(0);
    expect(partyOf(ports.B!)).toBeGreaterThanOrEqual(0);
    expect(partyOf(ports.A!)).not.toBe(partyOf(ports.B!));
    expect([ports.A, ports.B]).not.toContain(A_MEDIA);
    expect([ports.A, ports.B]).not.toContain(B_MEDIA);
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    await until(() => names(callId).includes('connect:complete'), 5000, 'connect:complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    await until(async () => (await h.redis.exists(`${h.prefix}media:engine:${callId}`)) === 0, 3000, 'media session deleted');
  });

  it('forked: the first 200 is bridged, the other answered leg is ACKed with its own offer and BYEd', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(BOB), sipDest(CAROL)] }]);
    const bOut = join(work, 'fork-b.txt');
    const cOut = join(work, 'fork-c.txt');
    const bob = startSipp({ scenario: 'uas-late-offer.xml', port: BOB, vars: { bmedia: String(B_MEDIA), out: bOut, pt: '0', codec: 'PCMU' }, timeoutS: 15 });
    const carol = startSipp({ scenario: 'uas-late-offer.xml', port: CAROL, vars: { bmedia: String(C_MEDIA), out: cOut, pt: '0', codec: 'PCMU' }, timeoutS: 15 });
    const aOut = join(work, 'fork-a.txt');
    const a = await runSipp({ scenario: 'uac-late-offer.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: keys('5006'), vars: { ...auth, hold: '500', amedia: String(A_MEDIA), out: aOut } });
    expect(a.code, describeSipp(a)).toBe(0);
    for (const p of [bob, carol]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    // Exactly one callee got RTPEngine's answer; the other's ACK echoed its own offer.
    const answers = [portsIn(bOut).B, portsIn(cOut).B];
    const echoed = answers.filter((p) => p === B_MEDIA || p === C_MEDIA);
    expect(echoed).toHaveLength(1);
    const callId = lastCallId();
    await until(() => names(callId).includes('connect:complete'), 3000, 'connect:complete');
    expect(names(callId).filter((n) => n === 'connect:answered')).toHaveLength(1);
  });

  it('a callee offering no codec the destination allows: caller 488, the callee ACKed and BYEd', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB) }]);
    const out = join(work, 'refused-ports.txt');
    const bob = startSipp({ scenario: 'uas-late-offer.xml', port: BOB, vars: { bmedia: String(B_MEDIA), out, pt: '8', codec: 'PCMA' }, timeoutS: 15 });
    const a = await runSipp({
      scenario: 'uac-late-offer-final.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: keys('5005'),
      vars: { ...auth, final: '488', check: 'X-Reason: no common codec: the callee offers PCMA, allowed PCMU' },
    });
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    // The 200 was released with an ACK echoing B's own offer, then BYE: no RTPEngine port involved.
    expect(portsIn(out).B).toBe(B_MEDIA);
    const callId = lastCallId();
    await until(() => names(callId).includes('connect:complete'), 3000, 'connect:complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:complete']);
  });

  it('announce before answer cannot send early media without an offer: playback:failed 488, the script goes on', async () => {
    h.hook.json('/call', [
      { verb: 'announce', url: '/missing-is-not-read.wav' },
      { verb: 'response', code: 486, reason: 'After Late Announce' },
    ]);
    const out = join(work, 'unused.txt');
    const before = h.hook.callsTo('/call').length;
    // The caller sees 486 instead of a 200: the scenario fails on the unexpected response.
    const a = await runSipp({ scenario: 'uac-late-offer.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: keys('5002'), vars: { ...auth, hold: '0', amedia: String(A_MEDIA), out } });
    expect(a.code).not.toBe(0);
    await until(() => h.hook.callsTo('/call').length > before, 3000, 'CallHook');
    const callId = lastCallId();
    await until(() => names(callId).includes('response:complete'), 3000, 'response');
    expect(h.eventsOf(callId)[0]).toMatchObject({ event: 'playback:failed', error: { status: 488, reason: 'INVITE without SDP' } });
  });
});

describe('SDP refused before any leg is called', () => {
  it('no codec in common with the caller’s codecs → 488 with X-Reason, no leg INVITEd', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB) }, { verb: 'response', code: 486 }]);
    const a = await runSipp({
      scenario: 'uac-invite-auth-codec.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: keys('5003'),
      vars: { ...auth, pt: '8', codec: 'PCMA', final: '488', check: 'X-Reason: no common codec: the caller offers PCMA, allowed PCMU' },
    });
    expect(a.code, describeSipp(a)).toBe(0);
    const callId = lastCallId();
    await until(() => names(callId).includes('connect:complete'), 3000, 'connect:complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:complete']);
    expect(await h.redis.exists(`${h.prefix}media:engine:${callId}`)).toBe(0);
  });

  const bodies = [
    { name: 'garbage with Content-Type application/sdp', ctype: 'application/sdp', first: 'hello world', conn: 'c=IN IP4 127.0.0.1', media: 'm=audio 4000 RTP/AVP 0', final: '400', check: 'X-Reason: malformed SDP: does not start with v=0' },
    { name: 'no m= line', ctype: 'application/sdp', first: 'v=0', conn: 'c=IN IP4 127.0.0.1', media: 'a=sendrecv', final: '400', check: 'X-Reason: malformed SDP: no media line \\(m=\\)' },
    { name: 'a broken m= line', ctype: 'application/sdp', first: 'v=0', conn: 'c=IN IP4 127.0.0.1', media: 'm=audio port RTP/AVP', final: '400', check: 'X-Reason: malformed SDP: malformed media line' },
    { name: 'no c= line', ctype: 'application/sdp', first: 'v=0', conn: 'a=x', media: 'm=audio 4000 RTP/AVP 0', final: '400', check: 'X-Reason: malformed SDP: no connection line' },
    { name: 'a body that is not SDP', ctype: 'text/plain', first: 'v=0', conn: 'c=IN IP4 127.0.0.1', media: 'm=audio 4000 RTP/AVP 0', final: '415', check: 'Accept: application/sdp' },
  ];
  for (const b of bodies) {
    it(`${b.name} → ${b.final} before authentication and before the CallHook`, async () => {
      const before = h.hook.callsTo('/call').length;
      const { name: _n, final, check, ...vars } = b;
      const a = await runSipp({ scenario: 'uac-invite-body.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: keys('5004'), vars: { ...vars, final, check } });
      expect(a.code, describeSipp(a)).toBe(0);
      expect(h.hook.callsTo('/call')).toHaveLength(before);
    });
  }
});
