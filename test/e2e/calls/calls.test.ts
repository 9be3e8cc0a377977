// Calls through the real stack, every component a separate process started from its entry
// point: SIPp phones register through the registrar (RegHook on the test hook server), call
// each other through the SIP server and two call-router replicas, media anchored in the shared
// RTPEngine by the media-controller, and StatusHook events delivered by the hook-dispatcher.
// Ports 29500-29549.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@dragonpbx/testkit';
import { CallStack, DOMAIN, TRUNK_IP, sipPort } from './support/call-stack.js';
import { describeSipp, registerPhones, startSipp } from './support/sipp.js';

const SIP = sipPort(29500);
/** Each phone's SIP port, where it registers and then answers. */
const PHONE: Record<string, number> = { '1001': 29510, '1002': 29511, '1003': 29512, '1004': 29513 };
const TRUNK_PORT = 29514;
/** SIPp media ports (each takes the port and the port + 2), one per concurrent SIPp. */
const MEDIA: Record<string, number> = { '1001': 29520, '1002': 29524, '1003': 29528, '1004': 29532, trunk: 29536 };
const target = `127.0.0.1:${SIP}`;
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({ ports: { sip: SIP, admin: 29501, ops: 29502 }, routers: 2, codecs: () => ['PCMU'] });
  await registerPhones(target, DOMAIN, PHONE, (u) => MEDIA[u]!);
  expect(stack.hook.callsTo('/reghook').map((c) => c.body.username)).toEqual(expect.arrayContaining(Object.keys(PHONE)));
  console.log(`stack ready in ${stack.startedInMs} ms`, stack.componentMs);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

/** The registered phone `user` answering (or ringing) with `scenario`. */
const phone = (user: string, scenario: string, vars: Record<string, string> = {}, calls = 1) =>
  startSipp({ scenario, port: PHONE[user]!, mediaPort: MEDIA[user]!, vars, calls, timeoutS: 20 });
/** A call from the registered phone `from` to `to` with `scenario` (401, then digest). */
const call = (from: string, to: string, scenario: string, vars: Record<string, string> = {}) =>
  startSipp({ scenario, target, port: PHONE[from]!, mediaPort: MEDIA[from]!, keys: { domain: DOMAIN, from, to }, vars: { from, password: `pw${from}`, ...vars } });
const client = (address: string) => ({ type: 'client', address });

/** The events are in `seq` order as they arrived, numbered from 1 without a gap. */
function expectInOrder(events: Record<string, unknown>[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

describe('client to client', () => {
  it('1001 calls 1002: answered, 1001 hangs up; the StatusHook events arrive in order through the hook-dispatcher', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: client('1002'), statusLabel: 'to-1002' }]);
    const callee = phone('1002', 'uas-answer-wait-bye.xml');
    const a = await call('1001', '1002', 'uac-call-bye.xml', { hold: '800' }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    const callId = stack.lastCallId();
    expect(stack.hook.callsTo('/call').at(-1)?.body).toMatchObject({ domain: DOMAIN, from: '1001', to: '1002', source: 'client', count: 0 });
    const events = await stack.eventsUntil(callId, 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
    expectInOrder(events);
    expect(events[2]).toMatchObject({ label: 'to-1002', domain: DOMAIN, dest: { type: 'client', address: '1002' } });
    expect(events[3]).toMatchObject({ endedby: 'A' });
    // Delivered by the hook-dispatcher: Standard Webhooks headers on every request.
    const delivered = stack.hook.callsTo('/status').filter((c) => c.body.callId === callId);
    for (const d of delivered) expect(d.headers['webhook-id']).toEqual(expect.any(String));
  });
});

describe('response, pause and announce', () => {
  it('pause, then an announcement as early media (183), then response with its own reason; events in order', async () => {
    stack.hook.json('/call', [
      { verb: 'pause', duration: 0.3 },
      { verb: 'announce', url: 'file:/tone.wav', statusLabel: 'greet' },
      { verb: 'response', code: 486, reason: 'Busy After Greeting' },
    ]);
    const t0 = Date.now();
    const a = await call('1001', '2000', 'uac-early-media.xml', { final: '486', check: 'Busy After Greeting' }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const events = await stack.eventsUntil(stack.lastCallId(), 'response:complete');
    expect(events.map((e) => e.event)).toEqual(['pause:start', 'pause:complete', 'playback:start', 'playback:complete', 'response:start', 'response:complete']);
    expectInOrder(events);
    expect(events[0]).toMatchObject({ duration: 0.3 });
    expect(events[3]).toMatchObject({ label: 'greet', duration: 600 });
  });
});

describe('forking', () => {
  it('three destinations, the second answers: the first and third get CANCEL with Reason "Call completed elsewhere"', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: [client('1002'), client('1003'), client('1004')] }]);
    const elsewhere = { reason: 'Reason: SIP;cause=200;text=&quot;Call completed elsewhere&quot;' };
    const first = phone('1002', 'uas-ring.xml', elsewhere);
    const third = phone('1004', 'uas-ring.xml', elsewhere);
    // The second answers a moment after ringing, so the others ring first.
    const second = phone('1003', 'uas-answer-wait-bye.xml');
    const a = await call('1001', '1003', 'uac-call-bye.xml', { hold: '500' }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    for (const p of [first, second, third]) {
      const r = await p.done;
      expect(r.code, describeSipp(r)).toBe(0);
    }
    const events = await stack.eventsUntil(stack.lastCallId(), 'connect:complete');
    expectInOrder(events);
    expect(events.filter((e) => e.event === 'connect:trying').map((e) => e.index)).toEqual([0, 1, 2]);
    expect(events.filter((e) => e.event === 'connect:answered')).toEqual([expect.objectContaining({ index: 1, dest: { type: 'client', address: '1003' } })]);
    expect(events.filter((e) => e.event === 'connect:cancel').map((e) => e.index).sort()).toEqual([0, 2]);
    expect(events.at(-1)).toMatchObject({ event: 'connect:complete' });
  });
});

describe('B hangs up first', () => {
  it('A stays up and hears the next verb (announce), then the PBX hangs A up', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: client('1002') }, { verb: 'announce', url: 'file:/tone.wav' }]);
    const callee = phone('1002', 'uas-answer-send-bye.xml', { hold: '400' });
    const t0 = Date.now();
    const a = await call('1001', '1002', 'uac-call-wait-bye.xml').done;
    const ms = Date.now() - t0;
    expect(a.code, describeSipp(a)).toBe(0);
    expect((await callee.done).code).toBe(0);
    // 400 ms bridged, then the 600 ms tone before the PBX's BYE.
    expect(ms).toBeGreaterThanOrEqual(1000);
    const events = await stack.eventsUntil(stack.lastCallId(), 'playback:complete');
    expect(events.map((e) => e.event)).toEqual([
      'connect:start',
      'connect:trying',
      'connect:answered',
      'connect:hangup',
      'connect:complete',
      'playback:start',
      'playback:complete',
    ]);
    expectInOrder(events);
    expect(events[3]).toMatchObject({ endedby: 'B' });
    expect(events[6]).toMatchObject({ duration: 600 });
  });
});

describe('caller CANCEL', () => {
  it('while the callee rings: the caller gets 487, the callee CANCEL with Reason 487, no later verb', async () => {
    stack.hook.json('/call', [{ verb: 'connect', dest: client('1002') }, { verb: 'response', code: 486 }]);
    const callee = phone('1002', 'uas-ring.xml', { reason: 'Reason: SIP;cause=487;text=&quot;Request Terminated&quot;' });
    const a = await call('1001', '1002', 'uac-invite-cancel.xml', { wait: '800', quiet: '800' }).done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    const callId = stack.lastCallId();
    const events = await stack.eventsUntil(callId, 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:complete']);
    expectInOrder(events);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.names(callId)).not.toContain('response:start');
  });
});

describe('two call-router replicas', () => {
  /** INVITEs a replica finished with 200, from its own /metrics. */
  async function answered(i: number): Promise<number> {
    const text = await stack.metrics(stack.routerName(i));
    const line = text.split('\n').find((l) => /^\S*call_router_invites_total\{[^}]*status="200"/.test(l));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('take calls at the same time: both own live calls at once, both answered some, every call ends cleanly', async () => {
    const N = 6;
    const before = [await answered(0), await answered(1)];
    stack.hook.json('/call', [{ verb: 'connect', dest: client('1002') }]);
    const callee = phone('1002', 'uas-answer-wait-bye.xml', {}, N);
    const firstCall = stack.hook.callsTo('/call').length;
    // An inbound trunk (known by its address, no digest): one INVITE per call, so the SIP
    // server's round robin over the two replicas alternates call by call.
    const carrier = startSipp({
      scenario: 'trunk-call-bye.xml',
      target,
      port: TRUNK_PORT,
      mediaPort: MEDIA.trunk!,
      localIp: TRUNK_IP,
      calls: N,
      rate: 20,
      keys: { domain: DOMAIN, from: '15550001', to: '1002' },
      vars: { hold: '2000' },
      timeoutS: 30,
    });
    // While they run, each replica owns live calls in Redis (the live-call summary's owner).
    const owned = (i: number) => stack.redis.zcard(`${stack.keyPrefix}calls:instance:${stack.routerName(i)}`);
    await stack.redis.connect().catch(() => undefined);
    await until(
      async () => (await owned(0)) > 0 && (await owned(1)) > 0,
      10_000,
      'both replicas owning live calls',
    );
    const a = await carrier.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    // A replica counts a call when its session has finished cleaning up, just after the BYE.
    let after = [0, 0];
    await until(
      async () => {
        after = [await answered(0), await answered(1)];
        return after[0]! - before[0]! + (after[1]! - before[1]!) === N;
      },
      5000,
      `${N} calls counted`,
    );
    expect(after[0]! - before[0]!).toBeGreaterThanOrEqual(1);
    expect(after[1]! - before[1]!).toBeGreaterThanOrEqual(1);
    const callIds = stack.hook
      .callsTo('/call')
      .slice(firstCall)
      .map((c) => String(c.body.callId));
    expect(new Set(callIds).size).toBe(N);
    for (const id of callIds) {
      const events = await stack.eventsUntil(id, 'connect:complete');
      expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
      expectInOrder(events);
    }
    await until(async () => (await owned(0)) + (await owned(1)) === 0, 5000, 'live-call summaries removed');
  });
});
