// RTP through the real stack, packet by packet: SIPp phones do the signalling with SDPs that
// name the test's own RTP sockets (RtpPhone), which send and record real packets. A bridged
// PCMU call flows both ways through RTPEngine, an announcement carries the file's audio, a
// G722 caller and a PCMU callee each get their own payload type, a caller whose callee hung up
// hears the next verb's announcement, and a DIRECT call flows phone to phone. Ports 29575-29599 (SIP); the RTP sockets are ephemeral.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@dragonpbx/testkit';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { type MediaTarget, RtpPhone, mediaTargetFrom } from './support/rtp-phone.js';
import { describeSipp, registerPhones, startSipp } from './support/sipp.js';

const SIP = sipPort(29575);
const PHONE: Record<string, number> = { '1001': 29583, '1002': 29584, '1003': 29585, '1004': 29586, '1005': 29587 };
/** SIPp's own media ports: one for the calling side, one for the called side. */
const CALLER_MP = 29590;
const CALLEE_MP = 29594;
const mediaPortOf = (user: string) => (['1002', '1005'].includes(user) ? CALLEE_MP : CALLER_MP);
/** What the RegHook gives each phone (docs/contract.md §3.1). */
const CODECS: Record<string, string[]> = { '1001': ['PCMU'], '1002': ['PCMU'], '1003': ['G722'], '1004': ['DIRECT', 'PCMU'], '1005': ['DIRECT', 'PCMU'] };
const PCMU = { pt: '0', codec: 'PCMU/8000' };
const G722 = { pt: '9', codec: 'G722/8000' };
/** 20 ms of PCMU is 160 bytes; 0xFF is PCMU silence (ITU-T G.711). */
const SILENCE = 0xff;
const target = `127.0.0.1:${SIP}`;
const files = mkdtempSync(join(tmpdir(), 'e2e-rtp-'));
let stack: CallStack;
let n = 0;

beforeAll(async () => {
  // Packets only: no StatusHook is checked here, so no hook-dispatcher (one node process fewer).
  stack = await CallStack.start({ ports: { sip: SIP, admin: 29576, ops: 29577 }, codecs: (user) => CODECS[user], hookDispatcher: false });
  await registerPhones(target, DOMAIN, PHONE, mediaPortOf);
  console.log(`stack ready in ${stack.startedInMs} ms`, stack.componentMs);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(files, { recursive: true, force: true });
}, 60_000);

/** A file for a SIPp scenario to write the SDP media line it received. */
const outFile = () => join(files, `sdp-${n++}.txt`);

/** A calls B (registered users, or B as a plain SIP UAS) with RTP sockets named in both SDPs. */
async function bridged(opts: { from: string; calleePort: number; dest: unknown; callerCodec: typeof PCMU; calleeCodec: typeof PCMU }) {
  const a = await RtpPhone.open();
  const b = await RtpPhone.open();
  const outA = outFile();
  const outB = outFile();
  stack.hook.json('/call', [{ verb: 'connect', dest: opts.dest }]);
  const callee = startSipp({
    scenario: 'uas-media-answer.xml',
    port: opts.calleePort,
    mediaPort: CALLEE_MP,
    keys: { rtpport: String(b.port) },
    vars: { ...opts.calleeCodec, out: outB },
  });
  const caller = startSipp({
    scenario: 'uac-media-call.xml',
    target,
    port: PHONE[opts.from]!,
    mediaPort: CALLER_MP,
    keys: { domain: DOMAIN, from: opts.from, to: '2000', rtpport: String(a.port) },
    vars: { from: opts.from, password: `pw${opts.from}`, ...opts.callerCodec, out: outA, hold: '1500' },
  });
  try {
    // What each phone was told: where to send its RTP (the other SDP's media line).
    const toB = await mediaTargetFrom(outB);
    const toA = await mediaTargetFrom(outA);
    return { a, b, toA, toB, caller, callee };
  } catch (err) {
    caller.kill();
    callee.kill();
    a.close();
    b.close();
    throw err;
  }
}

/** Sends from both phones until each received `count` packets (or 4 s), then stops. */
async function talk(x: { a: RtpPhone; b: RtpPhone; toA: MediaTarget; toB: MediaTarget }, ptA: number, ptB: number, count = 20) {
  x.a.start(x.toA, ptA, Buffer.alloc(160, 0x55));
  x.b.start(x.toB, ptB, Buffer.alloc(160, 0x2a));
  try {
    await until(() => x.a.received.length >= count && x.b.received.length >= count, 4000, `${count} packets at each phone (A ${x.a.received.length}, B ${x.b.received.length})`);
  } finally {
    x.a.stop();
    x.b.stop();
  }
}

const sources = (p: RtpPhone) => [...new Set(p.received.map((r) => `${r.from.address}:${r.from.port}`))];
const types = (p: RtpPhone) => [...new Set(p.received.map((r) => r.payloadType))];

describe('RTP through RTPEngine', () => {
  it('a bridged PCMU call: packets flow both ways, each phone hears the other from the RTPEngine address in its SDP', async () => {
    const x = await bridged({ from: '1001', calleePort: PHONE['1002']!, dest: { type: 'client', address: '1002' }, callerCodec: PCMU, calleeCodec: PCMU });
    try {
      // Anchored: neither SDP names the other phone's socket.
      expect(x.toA.port).not.toBe(x.b.port);
      expect(x.toB.port).not.toBe(x.a.port);
      await talk(x, 0, 0);
      expect(sources(x.a)).toEqual([`${x.toA.address}:${x.toA.port}`]);
      expect(sources(x.b)).toEqual([`${x.toB.address}:${x.toB.port}`]);
      expect(types(x.a)).toEqual([0]);
      expect(types(x.b)).toEqual([0]);
      // The same codec on both sides: RTPEngine relays the payload untouched.
      expect(x.a.received.every((r) => r.payload.equals(Buffer.alloc(160, 0x2a)))).toBe(true);
      expect(x.b.received.every((r) => r.payload.equals(Buffer.alloc(160, 0x55)))).toBe(true);
      const [ra, rb] = [await x.caller.done, await x.callee.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
    } finally {
      x.a.close();
      x.b.close();
    }
  });

  it('G722 caller, PCMU callee: each side is offered and receives only its own payload type (RTPEngine transcodes)', async () => {
    const x = await bridged({
      from: '1003',
      calleePort: PHONE['1002']!,
      dest: { type: 'sip', address: `sip:callee@127.0.0.1:${PHONE['1002']}`, codecs: ['PCMU'] },
      callerCodec: G722,
      calleeCodec: PCMU,
    });
    try {
      expect(x.toA.payloadType).toBe(9);
      expect(x.toB.payloadType).toBe(0);
      await talk(x, 9, 0);
      expect(types(x.a)).toEqual([9]);
      expect(types(x.b)).toEqual([0]);
      expect(sources(x.a)).toEqual([`${x.toA.address}:${x.toA.port}`]);
      expect(sources(x.b)).toEqual([`${x.toB.address}:${x.toB.port}`]);
      const [ra, rb] = [await x.caller.done, await x.callee.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
    } finally {
      x.a.close();
      x.b.close();
    }
  });

  it('an announcement: the caller receives the file as PCMU from RTPEngine, audio and not silence', async () => {
    const a = await RtpPhone.open();
    const out = outFile();
    stack.hook.json('/call', [{ verb: 'announce', url: 'file:/tone.wav' }, { verb: 'response', code: 486 }]);
    const caller = startSipp({
      scenario: 'uac-media-announce.xml',
      target,
      port: PHONE['1001']!,
      mediaPort: CALLER_MP,
      keys: { domain: DOMAIN, from: '1001', to: '2001', rtpport: String(a.port) },
      vars: { from: '1001', password: 'pw1001', ...PCMU, out, final: '486' },
    });
    try {
      const toA = await mediaTargetFrom(out);
      const r = await caller.done;
      expect(r.code, describeSipp(r)).toBe(0);
      // 0.6 s of tone is 30 packets of 20 ms; allow for loss on a busy machine.
      expect(a.received.length).toBeGreaterThanOrEqual(20);
      expect(types(a)).toEqual([0]);
      // The 183 answers the caller's offer with a send-only stream (c=0.0.0.0: the caller has
      // nothing to send, RFC 3264 §8.4); RTPEngine plays from its own address, the port of that SDP.
      expect(toA.address).toBe('0.0.0.0');
      expect(sources(a)).toEqual([`127.0.0.1:${toA.port}`]);
      const bytes = Buffer.concat(a.received.map((p) => p.payload));
      const silent = bytes.filter((v) => v === SILENCE).length;
      expect(silent / bytes.length).toBeLessThan(0.5);
    } finally {
      caller.kill();
      a.close();
    }
  });
});

describe('B hangs up first', () => {
  it('A stays up and hears the next verb\'s announcement: PCMU audio from RTPEngine, then the PBX hangs A up', async () => {
    const a = await RtpPhone.open();
    const b = await RtpPhone.open();
    const outA = outFile();
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'announce', url: 'file:/tone.wav' }]);
    const callee = startSipp({
      scenario: 'uas-media-answer-bye.xml',
      port: PHONE['1002']!,
      mediaPort: CALLEE_MP,
      keys: { rtpport: String(b.port) },
      vars: { ...PCMU, out: outFile(), hold: '400' },
    });
    const caller = startSipp({
      scenario: 'uac-media-wait-bye.xml',
      target,
      port: PHONE['1001']!,
      mediaPort: CALLER_MP,
      keys: { domain: DOMAIN, from: '1001', to: '1002', rtpport: String(a.port) },
      vars: { from: '1001', password: 'pw1001', ...PCMU, out: outA },
    });
    try {
      const toA = await mediaTargetFrom(outA);
      const rb = await callee.done;
      expect(rb.code, describeSipp(rb)).toBe(0);
      const ra = await caller.done;
      expect(ra.code, describeSipp(ra)).toBe(0);
      // Neither phone sent anything: all A received is the announcement, through its RTPEngine port.
      expect(a.received.length).toBeGreaterThanOrEqual(20);
      expect(types(a)).toEqual([0]);
      expect(sources(a)).toEqual([`${toA.address}:${toA.port}`]);
      const bytes = Buffer.concat(a.received.map((p) => p.payload));
      expect(bytes.filter((v) => v === SILENCE).length / bytes.length).toBeLessThan(0.5);
    } finally {
      caller.kill();
      callee.kill();
      a.close();
      b.close();
    }
  });
});

describe('DIRECT media', () => {
  it('both sides DIRECT: the SDPs carry the phones own addresses and RTP flows phone to phone', async () => {
    const x = await bridged({ from: '1004', calleePort: PHONE['1005']!, dest: { type: 'client', address: '1005' }, callerCodec: PCMU, calleeCodec: PCMU });
    try {
      expect(x.toA).toEqual({ address: '127.0.0.1', port: x.b.port, payloadType: 0 });
      expect(x.toB).toEqual({ address: '127.0.0.1', port: x.a.port, payloadType: 0 });
      await talk(x, 0, 0);
      expect(sources(x.a)).toEqual([`127.0.0.1:${x.b.port}`]);
      expect(sources(x.b)).toEqual([`127.0.0.1:${x.a.port}`]);
      const [ra, rb] = [await x.caller.done, await x.callee.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
    } finally {
      x.a.close();
      x.b.close();
    }
  });
});
