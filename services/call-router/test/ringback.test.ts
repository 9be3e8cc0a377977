import { type Socket, createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { MediaClient } from '@dragonpbx/shared/messaging';
import type { HookServer } from '@dragonpbx/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RINGBACK_TRANSITIONS, RingbackState } from '../src/verbs/connect/ringback.js';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// Ringback and far-end early media of `connect` (docs/contract.md §4.2) through the real stack,
// with the ringtones the repository ships (media/uk.wav) played by the shared RTPEngine. The
// caller's audio port is a socket of this test, so what the caller hears is counted packet by packet.
const SIP = 29851;
const PHONE = 29852;
const BOB = 29853;
const CAROL = 29854;
const CALLER_RTP = 29855;
const BOB_RTP = 29856;
const MEDIA = fileURLToPath(new URL('../../../media/', import.meta.url));
// RTPEngine runs with --interface=127.0.0.1 --port-min=30000 --port-max=34999: its SDP, never a callee's.
const RTPENGINE_SDP = 'c=IN IP4 127\\.0\\.0\\.1.*m=audio 3[0-4][0-9][0-9][0-9] RTP/AVP 0';
// The ringback answers the caller against a send-only placeholder whose c= is 0.0.0.0, which RTPEngine
// keeps (RFC 3264 §8.4): only its port says whose SDP it is.
const RINGBACK_SDP = 'm=audio 3[0-4][0-9][0-9][0-9] RTP/AVP 0';
let h: Harness;
let rtp: Socket;
/** Arrival times of the RTP packets the caller received. */
let heard: number[] = [];
/** The callee's audio port (uas-check-answer) and what reached it. */
let bobRtp: Socket;
let bobHeard = 0;

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [{ id: 1, username: '1000', password: 'pw1000', codecs: ['PCMU'], dialplan: { '*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } }],
      trunks: [],
    },
  },
});

beforeAll(async () => {
  rtp = createSocket('udp4');
  rtp.on('message', () => heard.push(Date.now()));
  await new Promise<void>((r) => rtp.bind(CALLER_RTP, '127.0.0.1', r));
  bobRtp = createSocket('udp4');
  bobRtp.on('message', () => bobHeard++);
  await new Promise<void>((r) => bobRtp.bind(BOB_RTP, '127.0.0.1', r));
  h = await startHarness(SIP, config, { mediaPath: MEDIA }, { media: true });
  const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, user: '1000' }, vars: { user: '1000', password: 'pw1000' } });
  expect(reg.code, describeSipp(reg)).toBe(0);
});

afterAll(async () => {
  await h?.stop();
  rtp?.close();
  bobRtp?.close();
});

beforeEach(() => {
  heard = [];
  bobHeard = 0;
});

/** One 20 ms PCMU RTP packet (RFC 3550 §5.1) from the caller. */
const rtpPacket = (seq: number) => {
  const p = Buffer.alloc(12 + 160, 0xff);
  p.writeUInt8(0x80, 0);
  p.writeUInt8(0, 1);
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(0x1234abcd, 8);
  return p;
};

const sipDest = (port: number) => ({ type: 'sip', address: `sip:callee@127.0.0.1:${port}` });
const callee = (scenario: string, port: number, vars: Record<string, string> = {}) => startSipp({ scenario, port, vars, timeoutS: 15 });
const caller = (scenario: string, to: string, vars: Record<string, string>) =>
  startSipp({ scenario, target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, from: '1000', to }, vars: { from: '1000', password: 'pw1000', rtp: String(CALLER_RTP), ...vars } });
const callIdOf = (to: string) => String(h.hook.callsTo('/call').findLast((c) => c.body.to === to)?.body.callId);
const names = (callId: string) => h.eventsOf(callId).map((e) => e.event);
const heardBetween = (from: number, to: number) => heard.filter((t) => t >= from && t <= to).length;

/** Resolves with the time the call's `event` was seen (polled every 25 ms). */
async function timeOf(to: string, event: string, timeoutMs = 8000): Promise<number> {
  await until(() => h.hook.callsTo('/call').some((c) => c.body.to === to) && names(callIdOf(to)).includes(event), timeoutMs, event);
  return Date.now();
}

describe('ringback', () => {
  it('after the callee 180 the caller gets a 183 with RTPEngine SDP and hears the ringtone; it stops when the callee answers', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB), statusLabel: 'rb' }]);
    const bob = callee('uas-check-answer.xml', BOB, { ruri: `sip:callee@127\\.0\\.0\\.1:${BOB}`, from: '.*', sdp: 'm=audio', ring: '1500', bport: String(BOB_RTP) });
    const t0 = Date.now();
    const run = caller('uac-ringback.xml', '8001', { early: RINGBACK_SDP, hold: '1500' });
    const answered = await timeOf('8001', 'connect:answered');
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    // About 1.5 s of 20 ms packets while ringing, then nothing: the callee sends no audio.
    expect(heardBetween(t0, answered)).toBeGreaterThan(20);
    expect(heardBetween(answered + 400, answered + 1400)).toBe(0);
    const callId = callIdOf('8001');
    await until(() => names(callId).includes('connect:complete'), 3000, 'complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(h.eventsOf(callId)[0]).toMatchObject({ label: 'rb' });
  });

  it('a fork: the ringtone starts on the first leg\'s 180, the other leg answers (another To tag), the ringtone stops', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(CAROL), sipDest(BOB)] }]);
    const carol = callee('uas-ring.xml', CAROL, { reason: 'Reason: SIP;cause=200;text=&quot;Call completed elsewhere&quot;' });
    const bob = callee('uas-check-answer.xml', BOB, { ruri: `sip:callee@127\\.0\\.0\\.1:${BOB}`, from: '.*', sdp: 'm=audio', ring: '1500', bport: String(BOB_RTP) });
    const t0 = Date.now();
    const run = caller('uac-ringback.xml', '8004', { early: RINGBACK_SDP, hold: '2500' });
    const answered = await timeOf('8004', 'connect:answered');
    await new Promise((r) => setTimeout(r, 1100));
    expect(heardBetween(answered + 400, answered + 1100)).toBe(0);
    // The bridge works on the answering leg's To tag although the ringback used the other's: audio
    // the caller sends to RTPEngine reaches the callee. (Our port for the caller is one of the call's
    // local ports; what goes to the others heads back to the caller and is not counted.)
    const media = new MediaClient({ subjects: h.subjects }, { nc: h.nc });
    let parties: { localPorts: number[] }[] = [];
    // The shared RTPEngine may be slow on a busy machine: ask again rather than fail on one timeout.
    await until(async () => {
      parties = (await media.query({ callId: callIdOf('8004') }).catch(() => ({ parties: [] }))).parties;
      return parties.length > 0;
    }, 8000, 'media query');
    for (let seq = 1; seq <= 10; seq++) for (const port of parties.flatMap((p) => p.localPorts)) rtp.send(rtpPacket(seq), port, '127.0.0.1');
    await until(() => bobHeard > 0, 1000, 'audio at the callee');
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carol.done;
    expect(c.code, describeSipp(c)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    expect(heardBetween(t0, answered)).toBeGreaterThan(20);
    const callId = callIdOf('8004');
    await until(() => names(callId).includes('connect:complete'), 3000, 'complete');
    const events = h.eventsOf(callId);
    expect(events.find((e) => e.event === 'connect:cancel')).toMatchObject({ index: 0 });
    expect(events.find((e) => e.event === 'connect:answered')).toMatchObject({ index: 1 });
  });

  it('a caller CANCEL while the ringtone plays: 487, the legs get CANCEL, the ringtone stops', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(CAROL) }, { verb: 'response', code: 486 }]);
    const carol = callee('uas-ring.xml', CAROL, { reason: 'Reason: SIP;cause=487;text=&quot;Request Terminated&quot;' });
    const t0 = Date.now();
    const a = await caller('uac-ringing-cancel.xml', '8002', { ring: '183', early: RINGBACK_SDP, wait: '1200', quiet: '1000' }).done;
    const end = Date.now();
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carol.done;
    expect(c.code, describeSipp(c)).toBe(0);
    expect(heardBetween(t0, end)).toBeGreaterThan(20);
    // The CANCEL went out about 1 s before the run ended: the last 700 ms are silent.
    expect(heardBetween(end - 700, end + 500)).toBe(0);
    const callId = callIdOf('8002');
    await until(() => names(callId).includes('connect:complete'), 3000, 'complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:complete']);
  });

  it('another provisional without SDP (182 Queued) is relayed bare and starts no ringtone', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(CAROL) }, { verb: 'response', code: 486 }]);
    const carol = callee('uas-provisional.xml', CAROL, { status: '182', phrase: 'Queued', reason: 'Reason: SIP;cause=487' });
    const t0 = Date.now();
    const a = await caller('uac-ringing-cancel.xml', '8005', { ring: '182', early: 'Content-Length: 0', wait: '800', quiet: '600' }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carol.done;
    expect(c.code, describeSipp(c)).toBe(0);
    expect(heardBetween(t0, Date.now())).toBe(0);
  });

  it("a far-end 183 with SDP stops the ringtone and is relayed through RTPEngine (never the callee's address)", async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB) }]);
    const bob = callee('uas-early-answer.xml', BOB, { ring: '1000', early: '3000', bport: String(BOB_RTP) });
    const t0 = Date.now();
    const run = caller('uac-early-relay.xml', '8003', { early: RINGBACK_SDP, relayed: RTPENGINE_SDP, hold: '300' });
    const answered = await timeOf('8003', 'connect:answered');
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    // Ringtone for about 1 s, then the callee's (silent) early media for 3 s before the answer.
    expect(heardBetween(t0, answered)).toBeGreaterThan(10);
    expect(heardBetween(answered - 2000, answered + 300)).toBe(0);
    const callId = callIdOf('8003');
    await until(() => names(callId).includes('connect:complete'), 3000, 'complete');
    expect(names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
  });
});

describe('RingbackState', () => {
  it('has the diagram\'s edges only: Stopped is final, a relay never goes back to the ringtone', () => {
    expect(RINGBACK_TRANSITIONS[RingbackState.Stopped]).toEqual([]);
    expect(RINGBACK_TRANSITIONS[RingbackState.Relaying]).not.toContain(RingbackState.Ringback);
    expect(RINGBACK_TRANSITIONS[RingbackState.Ringback]).not.toContain(RingbackState.Idle);
    for (const from of Object.values(RingbackState)) if (from !== RingbackState.Stopped) expect(RINGBACK_TRANSITIONS[from]).toContain(RingbackState.Stopped);
  });
});
