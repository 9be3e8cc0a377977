// SIPREC (docs/contract.md §4.5) through the real stack: a `record` verb arms the recording, the
// next connect is answered, and the PBX INVITEs a SIPp recording server (SRS) with a
// multipart/mixed body (SDP + rs-metadata), RTPEngine forks each leg's RTP to the SRS's media
// sockets (Node UDP sockets named in its SDP answer), and the SRS gets BYE when the call ends.
// An SRS that refuses the INVITE, never answers, or hangs up costs a record:* event, never the
// call; a call that ends before the SRS answered CANCELs the INVITE.
// Ports 28500-28599 only: SIP 28500, admin 28501, ops 28502-28506, SIPp 28510-28513 (media
// 28520-28535), RTP sockets 28540-28543.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@dragonpbx/testkit';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { RtpPhone, mediaTargetFrom } from './support/rtp-phone.js';
import { describeSipp, runSipp, startSipp } from './support/sipp.js';

const SIP = sipPort(28500);
const CALLER = 28510;
const CALLEE = 28511;
const SRS = 28512;
const CALLEE2 = 28513;
const MP = { caller: 28520, callee: 28524, srs: 28528, callee2: 28532 };
const RTP = { a: 28540, b: 28541, srsA: 28542, srsB: 28543 };
const PCMU = { pt: '0', codec: 'PCMU/8000' };
/** The call-router's SRS_ANSWER_TIMEOUT_MS (verbs/record/siprec-recorder.ts). */
const SRS_ANSWER_TIMEOUT_MS = 10_000;
const target = `127.0.0.1:${SIP}`;
const files = mkdtempSync(join(tmpdir(), 'e2e-record-'));
let stack: CallStack;
let n = 0;
const file = (what: string) => join(files, `${what}-${n++}.txt`);

beforeAll(async () => {
  stack = await CallStack.start({ ports: { sip: SIP, admin: 28501, ops: 28502 } });
  const reg = await runSipp({ scenario: 'uac-register.xml', target, port: CALLER, mediaPort: MP.caller, keys: { domain: DOMAIN, user: '1001' }, vars: { user: '1001', password: 'pw1001' } });
  expect(reg.code, describeSipp(reg)).toBe(0);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(files, { recursive: true, force: true });
}, 60_000);

/** The SRS's answer: one recvonly PCMU m= line per sink port. */
const srsMedia = (ports: number[]) => ports.map((p, i) => `m=audio ${p} RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=recvonly\na=label:${i + 1}`).join('\n');

/** The INVITE as SIPp's `-trace_msg` logged it: its header block and its body. */
function receivedInvite(messages: string): { headers: string; body: string } {
  const start = messages.indexOf('INVITE sip:');
  expect(start, 'an INVITE in the SRS message log').toBeGreaterThanOrEqual(0);
  const text = messages.slice(start).split(/\n-{10,}/)[0]!.replace(/\r/g, '');
  const cut = text.indexOf('\n\n');
  return { headers: text.slice(0, cut), body: text.slice(cut + 2) };
}

/** The parts of a multipart/mixed body: each part's headers and content. */
function partsOf(body: string, boundary: string): { headers: string; content: string }[] {
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => {
      const t = p.replace(/^\n/, '');
      const cut = t.indexOf('\n\n');
      return { headers: t.slice(0, cut), content: t.slice(cut + 2) };
    });
}

/** A caller (1001) and a callee (plain SIP UAS) with their own RTP sockets; the caller hangs up after `holdMs`. */
async function call(script: unknown[], holdMs: number) {
  const a = await RtpPhone.open(RTP.a);
  const b = await RtpPhone.open(RTP.b);
  const outA = file('sdp-a');
  const outB = file('sdp-b');
  stack.hook.json('/call', script);
  const callee = startSipp({ scenario: 'uas-media-answer.xml', port: CALLEE, mediaPort: MP.callee, keys: { rtpport: String(b.port) }, vars: { ...PCMU, out: outB } });
  const caller = startSipp({
    scenario: 'uac-media-call.xml',
    target,
    port: CALLER,
    mediaPort: MP.caller,
    keys: { domain: DOMAIN, from: '1001', to: '2000', rtpport: String(a.port) },
    vars: { from: '1001', password: 'pw1001', ...PCMU, out: outA, hold: String(holdMs) },
  });
  const close = () => {
    caller.kill();
    callee.kill();
    a.close();
    b.close();
  };
  try {
    const toA = await mediaTargetFrom(outA);
    const toB = await mediaTargetFrom(outB);
    // The phones talk for the whole call: A sends 0x55 bytes, B 0x2a bytes.
    a.start(toA, 0, Buffer.alloc(160, 0x55));
    b.start(toB, 0, Buffer.alloc(160, 0x2a));
    return { a, b, caller, callee, close };
  } catch (err) {
    close();
    throw err;
  }
}

const recordEvents = (callId: string) => stack.events(callId).filter((e) => String(e.event).startsWith('record:'));

describe('record: SIPREC to a recording server', () => {
  it('INVITEs the SRS with SDP + rs-metadata once the connect is answered, forks both legs to its media ports, and BYEs it at the end', async () => {
    const sinkA = await RtpPhone.open(RTP.srsA);
    const sinkB = await RtpPhone.open(RTP.srsB);
    const messages = file('srs-messages');
    const srs = startSipp({
      scenario: 'uas-siprec-srs.xml',
      port: SRS,
      mediaPort: MP.srs,
      vars: { media: srsMedia([sinkA.port, sinkB.port]) },
      extra: ['-trace_msg', '-message_file', messages],
    });
    const script = [
      {
        verb: 'record',
        siprecServer: `sip:srs@127.0.0.1:${SRS}`,
        metadata: { callerName: 'Alice <A&B>', calleeName: 'Bob', session: { ticket: 'T-42' } },
        headers: { 'X-Recording-Reason': 'quality' },
      },
      { verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${CALLEE}` } },
    ];
    const x = await call(script, 3000);
    try {
      await until(() => sinkA.received.length >= 20 && sinkB.received.length >= 20, 8000, `RTP at the SRS sinks (A ${sinkA.received.length}, B ${sinkB.received.length})`);
      const [ra, rb, rs] = [await x.caller.done, await x.callee.done, await srs.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
      // The SRS scenario checked the multipart content, answered, and got the BYE.
      expect(rs.code, describeSipp(rs)).toBe(0);

      // The INVITE as the SRS received it.
      expect(existsSync(messages)).toBe(true);
      const invite = receivedInvite(readFileSync(messages, 'utf8'));

      expect(invite.headers).toMatch(/^Require: siprec$/m);
      expect(invite.headers).toMatch(/^X-Recording-Reason: quality$/m);
      const boundary = /^Content-Type: multipart\/mixed;boundary=(\S+)$/m.exec(invite.headers)?.[1];
      expect(boundary).toBeDefined();
      const parts = partsOf(invite.body, boundary!);
      expect(parts.map((p) => /Content-Type: (\S+)/.exec(p.headers)?.[1])).toEqual(['application/sdp', 'application/rs-metadata+xml']);
      expect(parts[1]!.headers).toMatch(/Content-Disposition: recording-session/);
      const sdp = parts[0]!.content;
      const mLines = sdp.split('\n').filter((l) => l.startsWith('m=audio '));
      expect(mLines).toHaveLength(2);
      expect(mLines.every((l) => / RTP\/AVP 0\b/.test(l))).toBe(true);
      expect(sdp.match(/^a=label:\S+$/gm)).toEqual(['a=label:1', 'a=label:2']);
      expect(sdp.match(/^a=sendonly$/gm)).toHaveLength(2);
      const xml = parts[1]!.content;
      expect(xml).toContain('<recording xmlns="urn:ietf:params:xml:ns:recording:1">');
      expect(xml).toContain('<nameID aor="sip:1001@e2e.test">');
      expect(xml).toContain('<name>Alice &lt;A&amp;B&gt;</name>');
      expect(xml).toContain(`<nameID aor="sip:callee@127.0.0.1:${CALLEE}">`);
      expect(xml).toContain('<name>Bob</name>');
      expect(xml).toContain('<field name="ticket">T-42</field>');
      expect(xml.match(/<label>(\d)<\/label>/g)).toEqual(['<label>1</label>', '<label>2</label>']);

      // Each m= line carries one leg: the first A's audio, the second B's, from RTPEngine (PCMU untouched).
      const mostly = (p: RtpPhone, byte: number) => p.received.filter((r) => r.payload.length === 160 && r.payload.every((v) => v === byte)).length / p.received.length;
      expect(mostly(sinkA, 0x55)).toBeGreaterThan(0.9);
      expect(mostly(sinkB, 0x2a)).toBeGreaterThan(0.9);
      expect([...new Set(sinkA.received.map((r) => r.payloadType))]).toEqual([0]);

      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:stopped');
      const rec = recordEvents(callId);
      expect(rec.map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:active', 'record:stopped']);
      const ids = new Set(rec.map((e) => e.sessionId));
      expect(ids.size).toBe(1);
      expect(typeof rec[0]!.sessionId).toBe('string');
      expect(rec[3]!.endedBy).toBe('call');
      const names = stack.names(callId);
      expect(names.indexOf('record:starting')).toBeGreaterThan(names.indexOf('connect:answered'));
    } finally {
      x.close();
      srs.kill();
      sinkA.close();
      sinkB.close();
    }
  }, 60_000);

  it('legs "a": one m= line, the caller\'s audio only', async () => {
    const sinkA = await RtpPhone.open(RTP.srsA);
    const srs = startSipp({ scenario: 'uas-siprec-srs.xml', port: SRS, mediaPort: MP.srs, vars: { media: srsMedia([sinkA.port]) } });
    const script = [
      { verb: 'record', siprecServer: `sip:srs@127.0.0.1:${SRS}`, legs: 'a', requireSiprec: true },
      { verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${CALLEE}` } },
    ];
    const x = await call(script, 2000);
    try {
      await until(() => sinkA.received.length >= 20, 8000, `RTP at the SRS sink (${sinkA.received.length})`);
      const [ra, rb, rs] = [await x.caller.done, await x.callee.done, await srs.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
      expect(rs.code, describeSipp(rs)).toBe(0);
      expect(sinkA.received.filter((r) => r.payload.every((v) => v === 0x55)).length / sinkA.received.length).toBeGreaterThan(0.9);
      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:stopped');
      expect(recordEvents(callId).map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:active', 'record:stopped']);
    } finally {
      x.close();
      srs.kill();
      sinkA.close();
    }
  }, 60_000);

  it('an SRS that refuses (486): record:failed with its status, and the call goes on as if nothing happened', async () => {
    const srs = startSipp({ scenario: 'uas-busy.xml', port: SRS, mediaPort: MP.srs });
    const script = [
      { verb: 'record', siprecServer: `sip:srs@127.0.0.1:${SRS}` },
      { verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${CALLEE}` } },
    ];
    const x = await call(script, 2500);
    try {
      const rs = await srs.done;
      expect(rs.code, describeSipp(rs)).toBe(0);
      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:failed');
      // The bridge still carries audio both ways after the SRS refused.
      const [na, nb] = [x.a.received.length, x.b.received.length];
      await until(() => x.a.received.length >= na + 20 && x.b.received.length >= nb + 20, 6000, `RTP after the failure (A ${x.a.received.length}, B ${x.b.received.length})`);
      const [ra, rb] = [await x.caller.done, await x.callee.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
      await stack.eventsUntil(callId, 'connect:complete');
      const rec = recordEvents(callId);
      expect(rec.map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:failed']);
      expect(rec[2]!.error).toEqual({ status: 486, reason: 'Busy Here' });
      expect(stack.names(callId)).toEqual(expect.arrayContaining(['connect:answered', 'connect:hangup', 'connect:complete']));
      expect(stack.events(callId).find((e) => e.event === 'connect:hangup')?.endedby).toBe('A');
    } finally {
      x.close();
      srs.kill();
    }
  }, 60_000);
  it('the SRS hangs up first: record:ended (endedBy srs), the fork stops, the call goes on', async () => {
    const sinkA = await RtpPhone.open(RTP.srsA);
    const sinkB = await RtpPhone.open(RTP.srsB);
    const srs = startSipp({ scenario: 'uas-siprec-srs-bye.xml', port: SRS, mediaPort: MP.srs, vars: { media: srsMedia([sinkA.port, sinkB.port]), hold: '1000' } });
    const script = [
      { verb: 'record', siprecServer: `sip:srs@127.0.0.1:${SRS}` },
      { verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${CALLEE}` } },
    ];
    const x = await call(script, 4000);
    try {
      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:ended', 10_000);
      const rs = await srs.done;
      expect(rs.code, describeSipp(rs)).toBe(0);
      expect(sinkA.received.length).toBeGreaterThan(0);
      // Unsubscribed: nothing more reaches the SRS's sockets, while the phones still hear each other.
      await new Promise((r) => setTimeout(r, 300));
      const [sa, sb, na, nb] = [sinkA.received.length, sinkB.received.length, x.a.received.length, x.b.received.length];
      await until(() => x.a.received.length >= na + 20 && x.b.received.length >= nb + 20, 6000, `RTP after the SRS left (A ${x.a.received.length}, B ${x.b.received.length})`);
      expect(sinkA.received.length - sa).toBeLessThanOrEqual(1);
      expect(sinkB.received.length - sb).toBeLessThanOrEqual(1);
      const [ra, rb] = [await x.caller.done, await x.callee.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
      await stack.eventsUntil(callId, 'connect:complete');
      const rec = recordEvents(callId);
      expect(rec.map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:active', 'record:ended']);
      expect(rec[3]!.endedBy).toBe('srs');
      expect(stack.events(callId).find((e) => e.event === 'connect:hangup')?.endedby).toBe('A');
    } finally {
      x.close();
      srs.kill();
      sinkA.close();
      sinkB.close();
    }
  }, 60_000);

  it('the call ends while the SRS has not answered: the INVITE is CANCELled, record:stopped', async () => {
    const srs = startSipp({ scenario: 'uas-siprec-silent.xml', port: SRS, mediaPort: MP.srs });
    const script = [
      { verb: 'record', siprecServer: `sip:srs@127.0.0.1:${SRS}` },
      { verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${CALLEE}` } },
    ];
    const x = await call(script, 1500);
    try {
      const [ra, rb, rs] = [await x.caller.done, await x.callee.done, await srs.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
      expect(rs.code, describeSipp(rs)).toBe(0);
      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:stopped');
      const rec = recordEvents(callId);
      expect(rec.map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:stopped']);
      expect(rec[2]!.endedBy).toBe('call');
    } finally {
      x.close();
      srs.kill();
    }
  }, 60_000);

  it(`an SRS stuck after 100 Trying: given up after ${SRS_ANSWER_TIMEOUT_MS / 1000} s, record:failed 408, the call unharmed`, async () => {
    const srs = startSipp({ scenario: 'uas-siprec-trying.xml', port: SRS, mediaPort: MP.srs, vars: { hold: String(SRS_ANSWER_TIMEOUT_MS + 1000) } });
    const script = [
      { verb: 'record', siprecServer: `sip:srs@127.0.0.1:${SRS}` },
      { verb: 'connect', dest: { type: 'sip', address: `sip:callee@127.0.0.1:${CALLEE}` } },
    ];
    const x = await call(script, SRS_ANSWER_TIMEOUT_MS + 2500);
    try {
      const rs = await srs.done;
      expect(rs.code, describeSipp(rs)).toBe(0);
      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:failed');
      expect(stack.names(callId)).not.toContain('connect:hangup');
      const [ra, rb] = [await x.caller.done, await x.callee.done];
      expect(ra.code, describeSipp(ra)).toBe(0);
      expect(rb.code, describeSipp(rb)).toBe(0);
      await stack.eventsUntil(callId, 'connect:complete');
      const rec = recordEvents(callId);
      expect(rec.map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:failed']);
      expect(rec[2]!.error).toEqual({ status: 408, reason: 'the recording server did not answer' });
      expect(stack.events(callId).find((e) => e.event === 'connect:hangup')?.endedby).toBe('A');
    } finally {
      x.close();
      srs.kill();
    }
  }, 60_000);
  it('armed after a first bridge: the reconnect to a second callee starts the recording', async () => {
    const sinkA = await RtpPhone.open(RTP.srsA);
    const sinkB = await RtpPhone.open(RTP.srsB);
    const messages = file('srs-messages');
    const srs = startSipp({
      scenario: 'uas-siprec-srs.xml',
      port: SRS,
      mediaPort: MP.srs,
      vars: { media: srsMedia([sinkA.port, sinkB.port]) },
      extra: ['-trace_msg', '-message_file', messages],
    });
    stack.hook.json('/call', [
      { verb: 'connect', dest: { type: 'sip', address: `sip:first@127.0.0.1:${CALLEE}` } },
      { verb: 'record', siprecServer: `sip:srs@127.0.0.1:${SRS}`, requireSiprec: false },
      { verb: 'connect', dest: { type: 'sip', address: `sip:second@127.0.0.1:${CALLEE2}` }, reconnect: true },
    ]);
    const first = startSipp({ scenario: 'uas-answer-send-bye.xml', port: CALLEE, mediaPort: MP.callee, vars: { hold: '400' } });
    const second = startSipp({ scenario: 'uas-answer-wait-bye.xml', port: CALLEE2, mediaPort: MP.callee2 });
    const caller = startSipp({
      scenario: 'uac-call-reinvited.xml',
      target,
      port: CALLER,
      mediaPort: MP.caller,
      keys: { domain: DOMAIN, from: '1001', to: '2000' },
      vars: { from: '1001', password: 'pw1001', hold: '1500', out: file('reinvite') },
    });
    try {
      for (const p of [caller, first, second]) {
        const r = await p.done;
        expect(r.code, describeSipp(r)).toBe(0);
      }
      const rs = await srs.done;
      expect(rs.code, describeSipp(rs)).toBe(0);
      // requireSiprec: false → Supported: siprec, no Require.
      const invite = receivedInvite(readFileSync(messages, 'utf8'));
      expect(invite.headers).toMatch(/^Supported: siprec$/m);
      expect(invite.headers).not.toMatch(/^Require:/m);
      expect(invite.body).toContain('<nameID aor="sip:second@127.0.0.1:28513"/>');
      const callId = stack.lastCallId();
      await stack.eventsUntil(callId, 'record:stopped');
      const names = stack.names(callId);
      const answers = names.flatMap((e, i) => (e === 'connect:answered' ? [i] : []));
      expect(answers).toHaveLength(2);
      expect(names.indexOf('record:armed')).toBeGreaterThan(answers[0]!);
      expect(names.indexOf('record:starting')).toBeGreaterThan(answers[1]!);
      expect(recordEvents(callId).map((e) => e.event)).toEqual(['record:armed', 'record:starting', 'record:active', 'record:stopped']);
    } finally {
      for (const p of [caller, first, second, srs]) p.kill();
      sinkA.close();
      sinkB.close();
    }
  }, 60_000);
});
