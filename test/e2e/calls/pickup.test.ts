// `pickup` (docs/contract.md §4.6) through the real stack: SIPp phones register and call through
// the SIP server and a call-router, media anchored in the shared RTPEngine. 1001 calls 1002;
// 1003 dials the pickup code 8002, whose script is `pickup` of 1002 then `response 486`. A
// second stack with two call-router replicas has the picker's call on the other replica: the
// pickup goes to the owner over NATS. Ports 28400-28499 (below the shared RTPEngine's media
// range, 30000-34999).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, TRUNK_IP, externalSipServer, sipPort } from './support/call-stack.js';
import { RtpPhone, mediaTargetFrom } from './support/rtp-phone.js';
import { describeSipp, registerPhones, sippPhones, startSipp } from './support/sipp.js';

const SIP = sipPort(28400);
/** Each phone's SIP port, where it registers and then answers. */
const PHONE: Record<string, number> = { '1001': 28420, '1002': 28421, '1003': 28422 };
/** SIPp media ports (each takes the port and the port + 2). */
const MEDIA: Record<string, number> = { '1001': 28430, '1002': 28434, '1003': 28438 };
const target = `127.0.0.1:${SIP}`;
const PICKUP_CODE = '8002';
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({ ports: { sip: SIP, admin: 28401, ops: 28402 }, routers: 1, codecs: () => ['PCMU'] });
  await registerPhones(target, DOMAIN, PHONE, (u) => MEDIA[u]!);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const { phone, call } = sippPhones({ target, domain: DOMAIN, sipPorts: PHONE, mediaPorts: MEDIA, phoneVars: { domain: DOMAIN } });

/** The CallHook answers `pickup` to the pickup code and `dial` to any other number. */
function scripts(dial: unknown[], pickup: unknown[]): void {
  stack.hook.route('/call', (body) => ({ kind: 'json', body: body.to === PICKUP_CODE ? pickup : dial }));
}
const pickupOf = (extra: Record<string, unknown> = {}) => [{ verb: 'pickup', target: ['1009', '1002'], statusLabel: 'pick', ...extra }, { verb: 'response', code: 486 }];

/** The Call-ID of the latest CallHook fetch to `to`. */
async function callTo(to: string, hooksBefore: number): Promise<string> {
  await until(() => stack.hook.callsTo('/call').slice(hooksBefore).some((c) => c.body.to === to), 8000, `a CallHook fetch for ${to}`);
  return String(stack.hook.callsTo('/call').slice(hooksBefore).find((c) => c.body.to === to)!.body.callId);
}

let files = 0;
const outFile = () => join(stack.dir, `out-${++files}.txt`);
const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } finally {
    rmSync(file, { force: true });
  }
};

describe('pickup', () => {
  it('of a ringing call: 1002 gets CANCEL (call completed elsewhere), 1001 is answered and bridged with the picker', async () => {
    scripts([{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'response', code: 480 }], pickupOf());
    const hooks = stack.hook.callsTo('/call').length;
    const ringing = phone('1002', 'uas-ring.xml', { reason: 'Reason: SIP;cause=200;text=&quot;Call completed elsewhere&quot;' });
    const caller = call('1001', '1002', 'uac-call-wait-bye.xml');
    const callId = await callTo('1002', hooks);
    await stack.eventsUntil(callId, 'connect:trying');
    // The picker hangs up after a while; the PBX then hangs up the caller.
    const picker = call('1003', PICKUP_CODE, 'uac-call-bye.xml', { hold: '800' });
    for (const p of [picker, ringing, caller]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    const pickerId = await callTo(PICKUP_CODE, hooks);
    await stack.eventsUntil(pickerId, 'pickup:hangup');
    expect(stack.names(pickerId)).toEqual(['pickup:start', 'pickup:answered', 'pickup:hangup']);
    const events = stack.events(pickerId);
    expect(events[0]).toMatchObject({ label: 'pick', target: ['1009', '1002'], state: 'any' });
    expect(events[1]).toMatchObject({ picked: callId, ext: '1002', state: 'ringing' });
    expect(events[2]).toMatchObject({ endedby: 'picker' });
    await stack.eventsUntil(callId, 'connect:complete');
    expect(stack.names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:complete']);
  });

  it('of a ringing call, RTP: the caller and the picker hear each other through RTPEngine', async () => {
    scripts([{ verb: 'connect', dest: { type: 'client', address: '1002' } }], pickupOf());
    const hooks = stack.hook.callsTo('/call').length;
    // The test's own RTP sockets, named in each phone's SDP (ports in this file's range).
    const a = await RtpPhone.open(28490);
    const b = await RtpPhone.open(28492);
    const outA = outFile();
    const outB = outFile();
    try {
      const ringing = phone('1002', 'uas-ring.xml', { reason: 'Reason: SIP;cause=200' });
      const caller = startSipp({
        scenario: 'uac-media-wait-bye.xml',
        target,
        port: PHONE['1001']!,
        mediaPort: MEDIA['1001']!,
        keys: { domain: DOMAIN, from: '1001', to: '1002', rtpport: String(a.port) },
        vars: { from: '1001', password: 'pw1001', pt: '0', codec: 'PCMU/8000', out: outA },
        timeoutS: 20,
      });
      const callId = await callTo('1002', hooks);
      await stack.eventsUntil(callId, 'connect:trying');
      const picker = startSipp({
        scenario: 'uac-media-call.xml',
        target,
        port: PHONE['1003']!,
        mediaPort: MEDIA['1003']!,
        keys: { domain: DOMAIN, from: '1003', to: PICKUP_CODE, rtpport: String(b.port) },
        vars: { from: '1003', password: 'pw1003', pt: '0', codec: 'PCMU/8000', out: outB, hold: '2500' },
        timeoutS: 20,
      });
      const toA = await mediaTargetFrom(outA);
      const toB = await mediaTargetFrom(outB);
      // Anchored: neither phone is told the other's socket.
      expect([toA.port, toB.port]).not.toContain(b.port);
      expect([toA.port, toB.port]).not.toContain(a.port);
      a.start(toA, 0, Buffer.alloc(160, 0x55));
      b.start(toB, 0, Buffer.alloc(160, 0x2a));
      try {
        await until(() => a.received.length >= 20 && b.received.length >= 20, 4000, `20 packets at each phone (caller ${a.received.length}, picker ${b.received.length})`);
      } finally {
        a.stop();
        b.stop();
      }
      // Each hears the other's audio, not the ringback tone.
      expect(a.received.some((r) => r.payload.equals(Buffer.alloc(160, 0x2a)))).toBe(true);
      expect(b.received.some((r) => r.payload.equals(Buffer.alloc(160, 0x55)))).toBe(true);
      for (const p of [picker, ringing, caller]) {
        const r = await p.done;
        expect(r.code, describeSipp(r)).toBe(0);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('of a connected call (steal): 1002 gets BYE, 1001 is re-INVITEd onto the picker', async () => {
    scripts([{ verb: 'connect', dest: { type: 'client', address: '1002' } }], pickupOf({ state: 'connected' }));
    const hooks = stack.hook.callsTo('/call').length;
    const reinvite = outFile();
    const stolen = phone('1002', 'uas-answer-wait-bye.xml');
    // The caller hangs up a while after the re-INVITE; the PBX then hangs up the picker.
    const caller = call('1001', '1002', 'uac-call-reinvited.xml', { hold: '800', out: reinvite });
    const callId = await callTo('1002', hooks);
    await stack.eventsUntil(callId, 'connect:answered');
    const picker = call('1003', PICKUP_CODE, 'uac-call-wait-bye.xml');
    for (const p of [stolen, caller, picker]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(lines(reinvite)).toEqual([expect.stringMatching(/^REINVITE \d+$/)]);
    const pickerId = await callTo(PICKUP_CODE, hooks);
    await stack.eventsUntil(pickerId, 'pickup:hangup');
    expect(stack.names(pickerId)).toEqual(['pickup:start', 'pickup:answered', 'pickup:hangup']);
    expect(stack.events(pickerId)[1]).toMatchObject({ picked: callId, ext: '1002', state: 'connected' });
    expect(stack.events(pickerId)[2]).toMatchObject({ endedby: 'party' });
    await stack.eventsUntil(callId, 'connect:complete');
    expect(stack.names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(stack.events(callId).find((e) => e.event === 'connect:hangup')).toMatchObject({ endedby: 'B' });
  });

  it('outbound takeover: pickup:waiting until 1002 answers 1001, then 1001 gets BYE and 1002 is re-INVITEd onto the picker', async () => {
    scripts([{ verb: 'connect', dest: { type: 'client', address: '1002' } }], [{ verb: 'pickup', target: '1001', state: 'ringing' }, { verb: 'response', code: 486 }]);
    const hooks = stack.hook.callsTo('/call').length;
    const reinvite = outFile();
    const farEnd = phone('1002', 'uas-ring-answer-reinvited.xml', { ring: '1500', out: reinvite });
    const originator = call('1001', '1002', 'uac-call-wait-bye.xml');
    const callId = await callTo('1002', hooks);
    await stack.eventsUntil(callId, 'connect:trying');
    const picker = call('1003', PICKUP_CODE, 'uac-call-bye.xml', { hold: '800' });
    for (const p of [picker, farEnd, originator]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(lines(reinvite)).toEqual([expect.stringMatching(/^REINVITE \d+$/)]);
    const pickerId = await callTo(PICKUP_CODE, hooks);
    await stack.eventsUntil(pickerId, 'pickup:hangup');
    expect(stack.names(pickerId)).toEqual(['pickup:start', 'pickup:waiting', 'pickup:answered', 'pickup:hangup']);
    expect(stack.events(pickerId)[1]).toMatchObject({ picked: callId, ext: '1001' });
    expect(stack.events(pickerId)[2]).toMatchObject({ picked: callId, ext: '1001', state: 'outbound' });
    expect(stack.events(pickerId)[3]).toMatchObject({ endedby: 'picker' });
    await stack.eventsUntil(callId, 'connect:complete');
    expect(stack.names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:complete']);
  });

  it('outbound takeover given up: the picker hangs up while waiting, and the call is bridged as if never picked', async () => {
    scripts([{ verb: 'connect', dest: { type: 'client', address: '1002' } }], [{ verb: 'pickup', target: '1001' }, { verb: 'response', code: 486 }]);
    const hooks = stack.hook.callsTo('/call').length;
    const farEnd = phone('1002', 'uas-ring-answer-wait-bye.xml', { ring: '2000' });
    const originator = call('1001', '1002', 'uac-call-bye.xml', { hold: '500' });
    const callId = await callTo('1002', hooks);
    await stack.eventsUntil(callId, 'connect:trying');
    const picker = call('1003', PICKUP_CODE, 'uac-wait-cancel.xml', { wait: '500', quiet: '500' });
    for (const p of [picker, farEnd, originator]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    const pickerId = await callTo(PICKUP_CODE, hooks);
    await stack.eventsUntil(pickerId, 'pickup:waiting');
    await stack.eventsUntil(callId, 'connect:complete');
    expect(stack.names(callId)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(stack.events(callId).find((e) => e.event === 'connect:hangup')).toMatchObject({ endedby: 'A' });
    expect(stack.names(pickerId)).toEqual(['pickup:start', 'pickup:waiting']);
  });

  it('with nothing to pick up: pickup:notfound and the script falls through to its response 486', async () => {
    scripts([], pickupOf());
    const hooks = stack.hook.callsTo('/call').length;
    const picker = await call('1003', PICKUP_CODE, 'uac-invite-auth.xml', { final: '486', check: 'Busy Here' }).done;
    expect(picker.code, describeSipp(picker)).toBe(0);
    const pickerId = await callTo(PICKUP_CODE, hooks);
    await stack.eventsUntil(pickerId, 'response:complete');
    expect(stack.names(pickerId).slice(0, 2)).toEqual(['pickup:start', 'pickup:notfound']);
    expect(stack.events(pickerId)[1]).toMatchObject({ target: ['1009', '1002'] });
  });

  it('state filter: a ringing call is not taken by state "connected"; it rings on until its timeout', async () => {
    scripts([{ verb: 'connect', dest: { type: 'client', address: '1002', timeout: 3 } }, { verb: 'response', code: 480 }], pickupOf({ state: 'connected' }));
    const hooks = stack.hook.callsTo('/call').length;
    const ringing = phone('1002', 'uas-ring.xml', { reason: 'Reason: SIP;cause=487' });
    const caller = call('1001', '1002', 'uac-early-media.xml', { final: '480', check: 'Temporarily Unavailable' });
    const callId = await callTo('1002', hooks);
    await stack.eventsUntil(callId, 'connect:trying');
    const picker = await call('1003', PICKUP_CODE, 'uac-invite-auth.xml', { final: '486', check: 'Busy Here' }).done;
    expect(picker.code, describeSipp(picker)).toBe(0);
    for (const p of [ringing, caller]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    const pickerId = await callTo(PICKUP_CODE, hooks);
    await stack.eventsUntil(pickerId, 'pickup:notfound');
    expect(stack.events(pickerId)[0]).toMatchObject({ state: 'connected' });
    await stack.eventsUntil(callId, 'connect:timeout');
  });
});

// A second stack beside the file's own: with one external SIP server the two would take each other's calls.
describe.skipIf(externalSipServer() !== undefined)('pickup across replicas', () => {
  const SIP2 = 28450;
  const PHONE2: Record<string, number> = { '1001': 28460, '1002': 28461 };
  const MEDIA2: Record<string, number> = { '1001': 28470, '1002': 28474, trunk: 28478 };
  const TRUNK_PORT = 28463;
  const target2 = `127.0.0.1:${SIP2}`;
  let two: CallStack;

  beforeAll(async () => {
    two = await CallStack.start({ ports: { sip: SIP2, admin: 28451, ops: 28452 }, routers: 2, codecs: () => ['PCMU'] });
    await registerPhones(target2, DOMAIN, PHONE2, (u) => MEDIA2[u]!);
  }, 240_000);

  afterAll(async () => {
    await two?.stop();
  }, 60_000);

  /** The replica that owns the live call `callId`, from its summary in Redis. */
  async function ownerOf(callId: string): Promise<string> {
    await two.redis.connect().catch(() => undefined);
    const raw = await two.redis.get(`${two.keyPrefix}call:${callId}`);
    return String((JSON.parse(raw ?? '{}') as { instanceId?: string }).instanceId);
  }

  it('of a ringing call owned by the other replica: CANCEL to 1002, the caller answered and bridged with the picker', async () => {
    two.hook.route('/call', (body) => ({
      kind: 'json',
      body: body.to === PICKUP_CODE ? pickupOf() : [{ verb: 'connect', dest: { type: 'client', address: '1002' } }, { verb: 'response', code: 480 }],
    }));
    const hooks = two.hook.callsTo('/call').length;
    const ringing = startSipp({ scenario: 'uas-ring.xml', port: PHONE2['1002']!, mediaPort: MEDIA2['1002']!, vars: { domain: DOMAIN, reason: 'Reason: SIP;cause=200' }, timeoutS: 20 });
    const caller = startSipp({
      scenario: 'uac-call-wait-bye.xml',
      target: target2,
      port: PHONE2['1001']!,
      mediaPort: MEDIA2['1001']!,
      keys: { domain: DOMAIN, from: '1001', to: '1002' },
      vars: { from: '1001', password: 'pw1001' },
      timeoutS: 20,
    });
    await until(() => two.hook.callsTo('/call').slice(hooks).some((c) => c.body.to === '1002'), 8000, 'the call to 1002');
    const callId = String(two.hook.callsTo('/call').slice(hooks).find((c) => c.body.to === '1002')!.body.callId);
    await two.eventsUntil(callId, 'connect:trying');
    const owner = await ownerOf(callId);
    // The caller's two INVITEs (challenged, then with credentials) went one to each replica; the
    // SIP server's round robin hands the carrier's single INVITE to the replica that does not own the call.
    const picker = startSipp({
      scenario: 'trunk-call-bye.xml',
      target: target2,
      port: TRUNK_PORT,
      mediaPort: MEDIA2.trunk!,
      localIp: TRUNK_IP,
      keys: { domain: DOMAIN, from: '15550001', to: PICKUP_CODE },
      vars: { hold: '800' },
      timeoutS: 20,
    });
    await until(() => two.hook.callsTo('/call').slice(hooks).some((c) => c.body.to === PICKUP_CODE), 8000, 'the pickup call');
    const pickerId = String(two.hook.callsTo('/call').slice(hooks).find((c) => c.body.to === PICKUP_CODE)!.body.callId);
    const pickerOwner = await ownerOf(pickerId);
    for (const p of [picker, ringing, caller]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect([owner, pickerOwner].sort()).toEqual([two.routerName(0), two.routerName(1)].sort());
    await two.eventsUntil(pickerId, 'pickup:hangup');
    expect(two.names(pickerId)).toEqual(['pickup:start', 'pickup:answered', 'pickup:hangup']);
    expect(two.events(pickerId)[1]).toMatchObject({ picked: callId, ext: '1002', state: 'ringing' });
    expect(two.events(pickerId)[2]).toMatchObject({ endedby: 'picker' });
    await two.eventsUntil(callId, 'connect:complete');
  });

  it('of a connected call owned by the other replica: BYE to 1002, the caller re-INVITEd onto the picker, whose end follows the caller’s', async () => {
    two.hook.route('/call', (body) => ({
      kind: 'json',
      body: body.to === PICKUP_CODE ? pickupOf({ state: 'connected' }) : [{ verb: 'connect', dest: { type: 'client', address: '1002' } }],
    }));
    const hooks = two.hook.callsTo('/call').length;
    const reinvite = join(two.dir, 'reinvite-across.txt');
    const stolen = startSipp({ scenario: 'uas-answer-wait-bye.xml', port: PHONE2['1002']!, mediaPort: MEDIA2['1002']!, vars: { domain: DOMAIN }, timeoutS: 20 });
    // The caller hangs up a while after the re-INVITE; the owner then has the picker's replica hang up the picker.
    const caller = startSipp({
      scenario: 'uac-call-reinvited.xml',
      target: target2,
      port: PHONE2['1001']!,
      mediaPort: MEDIA2['1001']!,
      keys: { domain: DOMAIN, from: '1001', to: '1002' },
      vars: { from: '1001', password: 'pw1001', hold: '800', out: reinvite },
      timeoutS: 20,
    });
    await until(() => two.hook.callsTo('/call').slice(hooks).some((c) => c.body.to === '1002'), 8000, 'the call to 1002');
    const callId = String(two.hook.callsTo('/call').slice(hooks).find((c) => c.body.to === '1002')!.body.callId);
    await two.eventsUntil(callId, 'connect:answered');
    const owner = await ownerOf(callId);
    const picker = startSipp({
      scenario: 'trunk-call-wait-bye.xml',
      target: target2,
      port: TRUNK_PORT,
      mediaPort: MEDIA2.trunk!,
      localIp: TRUNK_IP,
      keys: { domain: DOMAIN, from: '15550001', to: PICKUP_CODE },
      timeoutS: 20,
    });
    await until(() => two.hook.callsTo('/call').slice(hooks).some((c) => c.body.to === PICKUP_CODE), 8000, 'the pickup call');
    const pickerId = String(two.hook.callsTo('/call').slice(hooks).find((c) => c.body.to === PICKUP_CODE)!.body.callId);
    const pickerOwner = await ownerOf(pickerId);
    for (const p of [picker, stolen, caller]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    expect(owner).not.toBe(pickerOwner);
    expect(readFileSync(reinvite, 'utf8').trim()).toMatch(/^REINVITE \d+$/);
    await two.eventsUntil(pickerId, 'pickup:hangup');
    expect(two.names(pickerId)).toEqual(['pickup:start', 'pickup:answered', 'pickup:hangup']);
    expect(two.events(pickerId)[1]).toMatchObject({ picked: callId, ext: '1002', state: 'connected' });
    expect(two.events(pickerId)[2]).toMatchObject({ endedby: 'party' });
    await two.eventsUntil(callId, 'connect:complete');
    expect(two.events(callId).find((e) => e.event === 'connect:hangup')).toMatchObject({ endedby: 'B' });
  });
});
