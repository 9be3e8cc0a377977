// Attended transfer (REFER with Replaces, RFC 3891 / RFC 5589 §7.1, docs/contract.md §5.2) through the
// real stack with two call-router replicas: 1001 calls 1003 (call 2) from one SIPp phone and 1002 (call 1)
// from another, puts 1002 on hold and REFERs call 1 with Refer-To <sip:1003?Replaces=call 2's dialog>.
// 1002 and 1003 are re-INVITEd onto one RTPEngine session and bridged, 1001 gets NOTIFY 100/200 and BYE on
// call 1 and BYE on call 2; when 1003 hangs up, 1002 gets BYE from its own call's replica. Once with both
// calls on one replica, once with each call on its own (the replaced call's owner reached over NATS).
// Ports 28600-28699 (below the shared RTPEngine's media range, 30000-34999).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { RtpPhone } from './support/rtp-phone.js';
import { describeSipp, registerPhones, runSipp, startSipp } from './support/sipp.js';

const SIP = sipPort(28600);
/** SIP ports: the transferor's two phones (both 1001), the transferee, the target, a spare for round-robin shifts. */
const PORT = { a1: 28620, a2: 28621, b: 28622, c: 28623, shift: 28624 } as const;
/** SIPp media ports (each takes the port and the port + 2). */
const MEDIA = { a1: 28640, a2: 28644, b: 28648, c: 28652, shift: 28656 } as const;
/** The test's RTP sockets of 1002 and 1003, named in their SDPs. */
const RTP = { b: 28670, c: 28672 } as const;
const target = `127.0.0.1:${SIP}`;
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({ ports: { sip: SIP, admin: 28601, ops: 28602 }, routers: 2, codecs: () => ['PCMU'] });
  await stack.redis.connect().catch(() => undefined);
  const media: Record<string, number> = { '1001': MEDIA.a1, '1002': MEDIA.b, '1003': MEDIA.c };
  await registerPhones(target, DOMAIN, { '1001': PORT.a1, '1002': PORT.b, '1003': PORT.c }, (u) => media[u]!);
  // 1009 reaches the transferor's second phone as a plain SIP destination (so 1001 can be called there).
  stack.hook.route('/call', (body) => ({
    kind: 'json',
    body: [{ verb: 'connect', dest: body.to === '1009' ? { type: 'sip', address: `sip:1001@127.0.0.1:${PORT.a2}` } : { type: 'client', address: String(body.to) } }],
  }));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

let files = 0;
const outFile = () => join(stack.dir, `att-${++files}.txt`);
const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
const lines = (file: string) => {
  try {
    return read(file);
  } finally {
    rmSync(file, { force: true });
  }
};

/** The replica owning `callId` now, from its live-call summary in Redis. */
async function owner(callId: string): Promise<string> {
  const raw = await stack.redis.get(`${stack.keyPrefix}call:${callId}`);
  expect(raw, `summary of ${callId}`).not.toBeNull();
  return String(JSON.parse(raw!).instanceId);
}

/** One INVITE without credentials (answered 401 by whichever replica's turn it is): moves the SIP server's round robin on by one. */
async function shiftRoundRobin(): Promise<void> {
  const r = await runSipp({
    scenario: 'uac-invite.xml',
    target,
    port: PORT.shift,
    mediaPort: MEDIA.shift,
    keys: { domain: DOMAIN, from: '1001', to: '1003' },
    vars: { final: '401', check: 'WWW-Authenticate' },
  });
  expect(r.code, describeSipp(r)).toBe(0);
}

/** Runs the whole attended transfer; `across` puts the two calls on different replicas. */
async function attendedTransfer(across: boolean) {
  const notes = outFile();
  const dialog = outFile();
  const bOut = outFile();
  const cOut = outFile();
  const hooks = stack.hook.callsTo('/call').length;
  // Call 2: 1001 → 1003, answered and left up until the transfer releases 1001.
  const rtpB = await RtpPhone.open(RTP.b);
  const rtpC = await RtpPhone.open(RTP.c);
  const phones: ReturnType<typeof startSipp>[] = [];
  try {
    await run(across, { notes, dialog, bOut, cOut, hooks, rtpB, rtpC, phones });
  } finally {
    // A failed step leaves no phone holding its port for the next test.
    for (const p of phones) p.kill();
    rtpB.close();
    rtpC.close();
  }
}

async function run(
  across: boolean,
  x: { notes: string; dialog: string; bOut: string; cOut: string; hooks: number; rtpB: RtpPhone; rtpC: RtpPhone; phones: ReturnType<typeof startSipp>[] },
) {
  const { notes, dialog, bOut, cOut, hooks, rtpB, rtpC, phones } = x;
  const started = <T extends ReturnType<typeof startSipp>>(p: T): T => {
    phones.push(p);
    return p;
  };
  const c = started(startSipp({ scenario: 'uas-answer-joined-bye.xml', port: PORT.c, mediaPort: MEDIA.c, keys: { rtpport: String(RTP.c) }, vars: { out: cOut, hold: '2500' }, timeoutS: 25 }));
  const a2 = started(
    startSipp({
    scenario: 'uac-call-replaced.xml',
    target,
    port: PORT.a2,
    mediaPort: MEDIA.a2,
    keys: { domain: DOMAIN, from: '1001', to: '1003' },
    vars: { from: '1001', password: 'pw1001', out: dialog },
    timeoutS: 25,
  }),
  );
  await until(() => read(dialog).length > 0, 10_000, 'call 2 answered');
  const [, cid, fromTag, toTag] = read(dialog)[0]!.split(' ');
  const call2 = String(stack.hook.callsTo('/call').at(-1)!.body.callId);
  expect(cid).toBe(call2);
  const owner2 = await owner(call2);
  if (across) await shiftRoundRobin();

  // Call 1: 1001 → 1002, held, then REFERred to 1003 replacing call 2's dialog.
  const b = started(startSipp({ scenario: 'uas-answer-held-joined.xml', port: PORT.b, mediaPort: MEDIA.b, keys: { rtpport: String(RTP.b) }, vars: { out: bOut }, timeoutS: 25 }));
  const replaces = encodeURIComponent(`${cid};to-tag=${toTag};from-tag=${fromTag}`);
  const a1 = started(
    startSipp({
    scenario: 'uac-call-refer-replaces.xml',
    target,
    port: PORT.a1,
    mediaPort: MEDIA.a1,
    keys: { domain: DOMAIN, from: '1001', to: '1002' },
    vars: { from: '1001', password: 'pw1001', hold: '500', referto: '1003', replaces, out: notes },
    timeoutS: 25,
  }),
  );
  await until(() => stack.hook.callsTo('/call').length >= hooks + 2, 10_000, 'call 1 CallHook');
  const call1 = String(stack.hook.callsTo('/call').at(-1)!.body.callId);
  const owner1 = await owner(call1);
  if (across) expect(owner1).not.toBe(owner2);
  else expect(owner1).toBe(owner2);

  // Joined: each phone sends to the RTPEngine address its re-INVITE named, and hears the other one.
  await until(() => read(bOut).length === 2 && read(cOut).length === 1, 10_000, 'both parties re-INVITEd');
  const toRtp = (line: string) => {
    const [, address, port] = line.split(' ');
    return { address: address!, port: Number(port), payloadType: 0 };
  };
  const [toB, toC] = [toRtp(read(bOut)[1]!), toRtp(read(cOut)[0]!)];
  rtpB.start(toB, 0, Buffer.alloc(160, 0x55));
  rtpC.start(toC, 0, Buffer.alloc(160, 0x2a));
  try {
    await until(() => rtpB.received.length >= 10 && rtpC.received.length >= 10, 1500, `RTP both ways (1002 got ${rtpB.received.length}, 1003 ${rtpC.received.length})`);
  } finally {
    rtpB.stop();
    rtpC.stop();
  }
  expect(rtpB.received.every((r) => r.payload.equals(Buffer.alloc(160, 0x2a)))).toBe(true);
  expect(rtpC.received.every((r) => r.payload.equals(Buffer.alloc(160, 0x55)))).toBe(true);
  expect([...new Set(rtpB.received.map((r) => `${r.from.address}:${r.from.port}`))]).toEqual([`${toB.address}:${toB.port}`]);
  expect([...new Set(rtpC.received.map((r) => `${r.from.address}:${r.from.port}`))]).toEqual([`${toC.address}:${toC.port}`]);

  for (const p of [a1, a2, b, c]) {
    const r = await p.done;
    expect(r.code, describeSipp(r)).toBe(0);
  }
  // 1001: NOTIFY 100 then 200 on call 1, BYE on both calls (the scenarios end on them).
  expect(lines(notes)).toEqual(['SIP/2.0 100 Trying active', 'SIP/2.0 200 OK terminated']);
  // 1002 was held (relayed sendonly), then re-INVITEd sendrecv; 1003 re-INVITEd sendrecv; both onto RTPEngine ports.
  const [hold, joinB] = lines(bOut).map((l) => l.split(' '));
  expect(hold).toEqual(['HOLD', expect.any(String), expect.stringMatching(/^\d+$/), 'sendonly']);
  expect(joinB).toEqual(['JOIN', expect.any(String), expect.stringMatching(/^\d+$/), 'sendrecv']);
  const [joinC] = lines(cOut).map((l) => l.split(' '));
  expect(joinC).toEqual(['JOIN', expect.any(String), expect.stringMatching(/^\d+$/), 'sendrecv']);
  for (const port of [Number(joinB![2]), Number(joinC![2])]) {
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(34999);
  }
  expect(joinB![2]).not.toBe(joinC![2]);

  // Both calls end once 1003 hung up; call 1's REFER shows in its events, call 2's bridge ended in a hand-over.
  await until(async () => (await stack.redis.exists(`${stack.keyPrefix}call:${call1}`, `${stack.keyPrefix}call:${call2}`)) === 0, 5000, 'both calls over');
  await stack.eventsUntil(call1, 'connect:refer');
  await stack.eventsUntil(call2, 'connect:complete');
  expect(stack.names(call1)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:reinvite', 'connect:refer', 'connect:complete']);
  expect(stack.names(call2)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:complete']);
}

describe('attended transfer (REFER with Replaces)', () => {
  it('naming a dialog no live call has: NOTIFY 100 then 481, then the transferor and the held party get BYE', async () => {
    const notes = outFile();
    const bOut = outFile();
    const b = startSipp({ scenario: 'uas-answer-reinvited.xml', port: PORT.b, mediaPort: MEDIA.b, vars: { out: bOut }, timeoutS: 20 });
    const a1 = startSipp({
      scenario: 'uac-call-refer-replaces.xml',
      target,
      port: PORT.a1,
      mediaPort: MEDIA.a1,
      keys: { domain: DOMAIN, from: '1001', to: '1002' },
      vars: { from: '1001', password: 'pw1001', hold: '300', referto: '1003', replaces: encodeURIComponent('no-such-call@h;to-tag=x;from-tag=y'), out: notes },
      timeoutS: 20,
    });
    for (const p of [a1, b]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    // The scenario keeps the reason's letters and spaces: "Call/Transaction Does Not Exist" stops at the slash.
    expect(lines(notes)).toEqual(['SIP/2.0 100 Trying active', 'SIP/2.0 481 Call terminated']);
    // Only the hold reached 1002; nothing joined it anywhere.
    expect(lines(bOut)).toEqual([expect.stringMatching(/^REINVITE \d+$/)]);
  });


  it('both calls on one replica: NOTIFY 100/200, 1002 and 1003 re-INVITEd onto one bridge, 1001 released from both, the hang-up crosses over', async () => {
    await attendedTransfer(false);
  });

  it('attended transfer across two replicas: the replaced call\'s owner hands 1003 over through dragon.calls.<owner>.replace', async () => {
    await attendedTransfer(true);
  });

  it('replacing a call on which the transferor was called (its dialog carries the B leg\'s Call-ID), across replicas', async () => {
    const notes = outFile();
    const dialog = outFile();
    const bOut = outFile();
    const cOut = outFile();
    const phones: ReturnType<typeof startSipp>[] = [];
    try {
      // Call 2: 1003 calls 1001 (at its second phone); 1001 answers.
      phones.push(startSipp({ scenario: 'uas-answer-replaced.xml', port: PORT.a2, mediaPort: MEDIA.a2, vars: { out: dialog }, timeoutS: 20 }));
      phones.push(
        startSipp({
          scenario: 'uac-call-joined-bye.xml',
          target,
          port: PORT.c,
          mediaPort: MEDIA.c,
          keys: { domain: DOMAIN, from: '1003', to: '1009' },
          vars: { from: '1003', password: 'pw1003', out: cOut, hold: '1500' },
          timeoutS: 20,
        }),
      );
      await until(() => read(dialog).length > 0, 10_000, 'call 2 answered');
      const [, cid, pbxTag, ownTag] = read(dialog)[0]!.split(' ');
      const call2 = String(stack.hook.callsTo('/call').at(-1)!.body.callId);
      expect(cid).not.toBe(call2);
      const owner2 = await owner(call2);
      await shiftRoundRobin();
      const hooks = stack.hook.callsTo('/call').length;
      // Call 1: 1001 calls 1002, holds it and REFERs it to 1003 replacing its dialog of call 2 (to-tag = the PBX's).
      phones.push(startSipp({ scenario: 'uas-answer-held-joined.xml', port: PORT.b, mediaPort: MEDIA.b, keys: { rtpport: String(RTP.b) }, vars: { out: bOut }, timeoutS: 20 }));
      phones.push(
        startSipp({
          scenario: 'uac-call-refer-replaces.xml',
          target,
          port: PORT.a1,
          mediaPort: MEDIA.a1,
          keys: { domain: DOMAIN, from: '1001', to: '1002' },
          vars: { from: '1001', password: 'pw1001', hold: '500', referto: '1003', replaces: encodeURIComponent(`${cid};to-tag=${pbxTag};from-tag=${ownTag}`), out: notes },
          timeoutS: 20,
        }),
      );
      await until(() => stack.hook.callsTo('/call').length > hooks, 10_000, 'call 1 CallHook');
      expect(await owner(String(stack.hook.callsTo('/call').at(-1)!.body.callId))).not.toBe(owner2);
      for (const p of phones) {
        const r = await p.done;
        expect(r.code, describeSipp(r)).toBe(0);
      }
      expect(lines(notes)).toEqual(['SIP/2.0 100 Trying active', 'SIP/2.0 200 OK terminated']);
      expect(lines(bOut).map((l) => l.split(' ')[0])).toEqual(['HOLD', 'JOIN']);
      expect(lines(cOut)).toEqual([expect.stringMatching(/^JOIN \S+ \d+ sendrecv$/)]);
      await until(async () => (await stack.redis.exists(`${stack.keyPrefix}call:${call2}`)) === 0, 5000, 'call 2 over');
    } finally {
      for (const p of phones) p.kill();
    }
  });
});
