import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import type { HookServer } from './helpers/hook-server.js';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// `connect` through the real stack: SIPp caller → SIP server → call-router →
// SIPp callees, media anchored in the shared RTPEngine through an in-process
// media-controller over NATS.
const SIP = 29011;
const PHONE = 29012;
const BOB = 29013;
const CAROL = 29014;
const DAVE = 29015;
let h: Harness;

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [
        { id: 1, username: '1000', password: 'pw1000', codecs: ['PCMU'], dialplan: { '5*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } },
        { id: 2, username: '1001', password: 'pw1001', dialplan: {} },
      ],
      trunks: [],
    },
  },
});

beforeAll(async () => {
  h = await startHarness(SIP, config, {}, { media: true });
  for (const [user, port] of [['1000', PHONE], ['1001', DAVE]] as const) {
    const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port, keys: { domain: DOMAIN, user }, vars: { user, password: `pw${user}` } });
    expect(reg.code, describeSipp(reg)).toBe(0);
  }
});

afterAll(async () => {
  await h?.stop();
});

const sipDest = (port: number, extra: Record<string, unknown> = {}) => ({ type: 'sip', address: `sip:callee@127.0.0.1:${port}`, ...extra });
const callee = (scenario: string, port: number, vars: Record<string, string> = {}) => startSipp({ scenario, port, vars, timeoutS: 15 });
const caller = (scenario: string, to: string, vars: Record<string, string> = {}) =>
  runSipp({ scenario, target: `127.0.0.1:${SIP}`, port: PHONE, keys: { domain: DOMAIN, from: '1000', to }, vars: { from: '1000', password: 'pw1000', ...vars } });
const lastCallId = () => String(h.hook.callsTo('/call').at(-1)?.body.callId);
const names = (callId: string) => h.eventsOf(callId).map((e) => e.event);

/** Waits until the call's events stop at `last`, then returns them. */
async function eventsUntil(callId: string, last: string) {
  await until(() => names(callId).includes(last), 5000, last);
  await new Promise((r) => setTimeout(r, 150));
  return h.eventsOf(callId);
}

/** The media-controller's engine affinity key is gone once the call's RTPEngine session is deleted. */
const mediaKey = (callId: string) => h.redis.exists(`${h.prefix}media:engine:${callId}`);

describe('connect', () => {
  it('bridges to a SIP URI; BYE from A ends the call, B gets BYE, media deleted', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(BOB)], statusLabel: 'c1' }, { verb: 'response', code: 486 }]);
    const bob = callee('uas-answer-wait-bye.xml', BOB);
    const before = h.hook.callsTo('/call').length;
    const run = startSipp({
      scenario: 'uac-call-bye.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '5001' },
      vars: { from: '1000', password: 'pw1000', hold: '1000' },
    });
    await until(() => h.hook.callsTo('/call').length > before, 3000, 'CallHook');
    const live = lastCallId();
    // While bridged the call is anchored in RTPEngine and listed in Redis.
    await until(() => names(live).includes('connect:answered'), 3000, 'answered');
    expect(await mediaKey(live)).toBe(1);
    expect(await h.state.calls.get(live)).toMatchObject({ callId: live, instanceId: h.router.options.instanceId });
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    const callId = lastCallId();
    const events = await eventsUntil(callId, 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expect(events[1]).toMatchObject({ label: 'c1', index: 0, dest: { type: 'sip', address: `sip:callee@127.0.0.1:${BOB}` } });
    expect(events[3]).toMatchObject({ endedby: 'A' });
    await until(async () => (await mediaKey(callId)) === 0, 3000, 'media session deleted');
    expect(await h.state.calls.get(callId)).toBeUndefined();
    expect(h.router.activeCalls).toBe(0);
  });

  it('B hangs up first: A stays up, the next verb runs, then the PBX hangs A up', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB) }, { verb: 'pause', duration: 0.3, statusLabel: 'after' }]);
    const bob = callee('uas-answer-send-bye.xml', BOB, { hold: '400' });
    const a = await caller('uac-call-wait-bye.xml', '5002');
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await bob.done).code).toBe(0);
    const callId = lastCallId();
    const events = await eventsUntil(callId, 'pause:complete');
    expect(events.map((e) => e.event)).toEqual([
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:hangup',
      'connect:complete',
      'pause:start',
      'pause:complete',
    ]);
    expect(events[3]).toMatchObject({ endedby: 'B' });
    expect(h.hook.callsTo('/call').filter((c) => c.body.callId === callId)).toHaveLength(1);
    await until(async () => (await mediaKey(callId)) === 0, 3000, 'media session deleted');
  });

  it('forks to two: the second answers, the first gets CANCEL with Reason "Call completed elsewhere"', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(CAROL), sipDest(BOB)] }]);
    const carol = callee('uas-ring.xml', CAROL, { reason: 'Reason: SIP;cause=200;text=&quot;Call completed elsewhere&quot;' });
    const bob = callee('uas-answer-send-bye.xml', BOB, { hold: '1200' });
    const a = await caller('uac-call-wait-bye.xml', '5003');
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carol.done;
    expect(c.code, describeSipp(c)).toBe(0);
    expect((await bob.done).code).toBe(0);
    const callId = lastCallId();
    const events = await eventsUntil(callId, 'connect:complete');
    expect(events.find((e) => e.event === 'connect:cancel')).toMatchObject({ index: 0 });
    expect(events.find((e) => e.event === 'connect:answered')).toMatchObject({ index: 1 });
    expect(events.filter((e) => e.event === 'connect:trying').map((e) => e.index)).toEqual([0, 1]);
  });

  it('a 200 that crosses the CANCEL (late answer on a losing leg) is ACKed and released with BYE', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(CAROL), sipDest(BOB)] }]);
    const carol = callee('uas-late-200.xml', CAROL, { reason: 'Reason: SIP;cause=200;text=&quot;Call completed elsewhere&quot;' });
    const bob = callee('uas-answer-send-bye.xml', BOB, { hold: '1500' });
    const a = await caller('uac-call-wait-bye.xml', '5008');
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carol.done;
    expect(c.code, describeSipp(c)).toBe(0);
    expect((await bob.done).code).toBe(0);
    const events = await eventsUntil(lastCallId(), 'connect:complete');
    expect(events.filter((e) => e.event === 'connect:answered')).toEqual([expect.objectContaining({ index: 1 })]);
  });

  it('every leg rings out: CANCEL with Reason 487, connect:timeout, then the next verb answers', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(CAROL, { timeout: 1 })] }, { verb: 'response', code: 486, reason: 'Nobody Home' }]);
    const carol = callee('uas-ring.xml', CAROL, { reason: 'Reason: SIP;cause=487;text=&quot;Request Terminated&quot;' });
    const a = await caller('uac-invite-auth.xml', '5004', { final: '486', check: 'Nobody Home' });
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await carol.done).code).toBe(0);
    const events = await eventsUntil(lastCallId(), 'response:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:timeout', 'connect:complete', 'response:start', 'response:complete']);
  });

  it('a client destination rings its registered contact through the registration source address', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [{ type: 'client', address: '1001' }, { type: 'client', address: '1999' }] }]);
    const dave = callee('uas-answer-wait-bye.xml', DAVE);
    const a = await caller('uac-call-bye.xml', '5005', { hold: '300' });
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await dave.done).code).toBe(0);
    const events = await eventsUntil(lastCallId(), 'connect:complete');
    expect(events.find((e) => e.event === 'connect:answered')).toMatchObject({ index: 0, dest: { type: 'client', address: '1001' } });
    expect(events.filter((e) => e.event === 'connect:trying')).toHaveLength(1);
  });

  it('caller CANCEL while the legs ring: every leg gets CANCEL with Reason 487, no late response, media deleted', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: [sipDest(CAROL)] }, { verb: 'response', code: 486 }]);
    const carol = callee('uas-ring.xml', CAROL, { reason: 'Reason: SIP;cause=487;text=&quot;Request Terminated&quot;' });
    const a = await caller('uac-invite-cancel.xml', '5007', { wait: '800', quiet: '800' });
    expect(a.code, describeSipp(a)).toBe(0);
    const c = await carol.done;
    expect(c.code, describeSipp(c)).toBe(0);
    const callId = lastCallId();
    const events = await eventsUntil(callId, 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:complete']);
    await until(async () => (await mediaKey(callId)) === 0, 3000, 'media session deleted');
    expect(h.router.activeCalls).toBe(0);
  });

  it('no reachable destination: connect completes at once and the next verb runs', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1999' } }, { verb: 'response', code: 480, reason: 'Nobody Registered' }]);
    const a = await caller('uac-invite-auth.xml', '5006', { final: '480', check: 'Nobody Registered' });
    expect(a.code, describeSipp(a)).toBe(0);
    const events = await eventsUntil(lastCallId(), 'response:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:complete', 'response:start', 'response:complete']);
  });
});
