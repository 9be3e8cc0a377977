import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import type { HookServer } from '@dragonpbx/testkit';
import { describeSipp, runSipp, startSipp } from './helpers/sipp.js';

// `connect` and `announce` through the real stack: SIPp caller → SIP server → call-router →
// SIPp callees, media anchored in the shared RTPEngine through an in-process
// media-controller over NATS.
const SIP = 29011;
const PHONE = 29012;
const BOB = 29013;
const CAROL = 29014;
const DAVE = 29015;
/** Audio port of a caller nobody listens on. */
const NO_RTP = 29016;
let h: Harness;
const mediaDir = mkdtempSync(join(tmpdir(), 'call-router-media-'));

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
  // 8 kHz mono 16-bit tones, the format RTPEngine plays (docs/contract.md §4.1).
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(mediaDir, 'tone.wav'), 'synth', '0.6', 'sine', '1000']);
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(mediaDir, 'long.wav'), 'synth', '5', 'sine', '440']);
  h = await startHarness(SIP, config, { mediaPath: mediaDir }, { media: true });
  for (const [user, port] of [['1000', PHONE], ['1001', DAVE]] as const) {
    const reg = await runSipp({ scenario: 'uac-register.xml', target: `127.0.0.1:${SIP}`, port, keys: { domain: DOMAIN, user }, vars: { user, password: `pw${user}` } });
    expect(reg.code, describeSipp(reg)).toBe(0);
  }
});

afterAll(async () => {
  await h?.stop();
  rmSync(mediaDir, { recursive: true, force: true });
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
    await until(async () => (await h.state.calls.get(live))?.state === 'connected', 2000, 'summary connected');
    expect(await h.state.calls.get(live)).toMatchObject({ callId: live, instanceId: h.router.options.instanceId, answeredAt: expect.any(Number) });
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
    // The call's series: started (both INVITEs, the 401'd one too), answered, one post-dial delay and one answer time.
    const text = await h.routerMetrics.registry.metrics();
    const value = (name: string) => Number(new RegExp(`^dragon_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
    expect(value('call_router_calls_started_total')).toBeGreaterThanOrEqual(2);
    expect(value('call_router_calls_answered_total')).toBe(1);
    expect(value('call_router_post_dial_delay_seconds_count')).toBe(1);
    expect(value('call_router_answer_time_seconds_count')).toBe(1);
    expect(value('call_router_post_dial_delay_seconds_sum')).toBeGreaterThan(0);
    expect(value('call_router_answer_time_seconds_sum')).toBeGreaterThan(value('call_router_post_dial_delay_seconds_sum'));
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

  it('a sip destination that challenges is answered with its username/password; events never show the password', async () => {
    h.hook.json('/call', [{ verb: 'connect', dest: sipDest(BOB, { username: 'bob', password: 's3cret-pw' }) }]);
    const bob = callee('uas-challenge.xml', BOB, { user: 'bob', password: 's3cret-pw' });
    const a = await caller('uac-call-bye.xml', '5009', { hold: '300' });
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await bob.done;
    expect(b.code, describeSipp(b)).toBe(0);
    const callId = lastCallId();
    const events = await eventsUntil(callId, 'connect:complete');
    expect(events.find((e) => e.event === 'connect:answered')).toMatchObject({ dest: { username: 'bob' } });
    expect(JSON.stringify(events)).not.toContain('s3cret-pw');
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
    // No ringtone under this MEDIA_PATH: the caller gets a bare 180 (its phone rings locally).
    const a = await caller('uac-ringing-cancel.xml', '5007', { ring: '180', early: '180 Ringing', rtp: String(NO_RTP), wait: '800', quiet: '800' });
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

describe('announce', () => {
  it('plays a file under MEDIA_PATH as early media (183 with RTPEngine SDP), then the next verb runs', async () => {
    h.hook.json('/call', [{ verb: 'announce', url: 'file:/tone.wav', statusLabel: 'greet' }, { verb: 'response', code: 486, reason: 'After Announce' }]);
    const t0 = Date.now();
    const a = await caller('uac-early-media.xml', '5101', { final: '486', check: 'After Announce' });
    expect(a.code, describeSipp(a)).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    const callId = lastCallId();
    const events = await eventsUntil(callId, 'response:complete');
    expect(events.map((e) => e.event)).toEqual(['playback:start', 'playback:complete', 'response:start', 'response:complete']);
    expect(events[1]).toMatchObject({ label: 'greet', duration: 600 });
    await until(async () => (await mediaKey(callId)) === 0, 3000, 'media session deleted');
  });

  it('caller CANCEL during the announcement stops it: 487, no later verb, media deleted', async () => {
    h.hook.json('/call', [{ verb: 'announce', url: '/long.wav' }, { verb: 'response', code: 486 }]);
    const t0 = Date.now();
    const run = startSipp({
      scenario: 'uac-early-media-cancel.xml',
      target: `127.0.0.1:${SIP}`,
      port: PHONE,
      keys: { domain: DOMAIN, from: '1000', to: '5102' },
      vars: { from: '1000', password: 'pw1000', wait: '900', quiet: '800' },
    });
    const a = await run.done;
    expect(a.code, describeSipp(a)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(4500);
    const callId = lastCallId();
    await until(() => names(callId).includes('playback:start'), 3000, 'playback:start');
    await new Promise((r) => setTimeout(r, 200));
    expect(names(callId)).toEqual(['playback:start']);
    await until(async () => (await mediaKey(callId)) === 0, 3000, 'media session deleted');
    expect(h.router.activeCalls).toBe(0);
  });

  it('a path that leaves MEDIA_PATH is refused (playback:failed) and the script goes on', async () => {
    h.hook.json('/call', [{ verb: 'announce', url: 'file:/../../etc/passwd' }, { verb: 'response', code: 404, reason: 'Bad File' }]);
    const a = await caller('uac-invite-auth.xml', '5103', { final: '404', check: 'Bad File' });
    expect(a.code, describeSipp(a)).toBe(0);
    const events = await eventsUntil(lastCallId(), 'response:complete');
    expect(events[0]).toMatchObject({ event: 'playback:failed', error: { status: 400, reason: 'path leaves MEDIA_PATH' } });
  });
});
