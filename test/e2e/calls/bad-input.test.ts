// Bad input through the real stack (every component its own process): RTPEngine unreachable,
// no media-controller at all, a CallHook answering 10 MB, 100 000 levels of nesting or 1 000
// destinations, and an announcement outside MEDIA_PATH. Each gets its specific SIP answer and
// event, the call-router keeps running, and a normal call right after still works.
// Ports 29550-29574.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@dragonpbx/testkit';
import { CallStack, DOMAIN, sipPort } from './support/call-stack.js';
import { describeSipp, registerPhones, runSipp, startSipp } from './support/sipp.js';

const SIP = sipPort(29550);
const OPS = 29552; // 29552-29556
const PHONE: Record<string, number> = { '1001': 29560, '1002': 29561 };
const MEDIA: Record<string, number> = { '1001': 29564, '1002': 29568 };
/** Nothing listens here: the RTPEngine of the broken media-controller. */
const DEAD_RTPENGINE = 29572;
const DEAD_MEDIA = 'media-dead-engine';
const MEDIA_TIMEOUT_MS = 1500;
const target = `127.0.0.1:${SIP}`;
let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({
    ports: { sip: SIP, admin: 29551, ops: OPS },
    codecs: () => ['PCMU'],
    env: { MEDIA_TIMEOUT_MS: String(MEDIA_TIMEOUT_MS) },
    // Started with the stack (its start is the slow part), swapped for a working one by the media tests.
    media: { name: DEAD_MEDIA, env: { RTPENGINE_HOSTS: `127.0.0.1:${DEAD_RTPENGINE}` }, waitFor: 'healthy' },
  });
  await registerPhones(target, DOMAIN, PHONE, (u) => MEDIA[u]!);
  console.log(`stack ready in ${stack.startedInMs} ms`, stack.componentMs);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const router = () => stack.routerName(0);

/** 1001 calls `to`, expecting `final` whose text matches `check`; resolves with the run and its wall time. */
async function callExpecting(to: string, final: number, check = '.') {
  const t0 = Date.now();
  const r = await runSipp({
    scenario: 'uac-invite-auth.xml',
    target,
    port: PHONE['1001']!,
    mediaPort: MEDIA['1001']!,
    keys: { domain: DOMAIN, from: '1001', to },
    vars: { from: '1001', password: 'pw1001', final: String(final), check },
  });
  return { ...r, ms: Date.now() - t0 };
}

/** A normal call right after: 1001 calls 1002, answered and hung up, every event delivered. */
async function normalCallWorks(): Promise<void> {
  stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }]);
  const callee = startSipp({ scenario: 'uas-answer-wait-bye.xml', port: PHONE['1002']!, mediaPort: MEDIA['1002']! });
  const a = await startSipp({
    scenario: 'uac-call-bye.xml',
    target,
    port: PHONE['1001']!,
    mediaPort: MEDIA['1001']!,
    keys: { domain: DOMAIN, from: '1001', to: '1002' },
    vars: { from: '1001', password: 'pw1001', hold: '300' },
  }).done;
  expect(a.code, describeSipp(a)).toBe(0);
  expect((await callee.done).code).toBe(0);
  const events = await stack.eventsUntil(stack.lastCallId(), 'connect:complete');
  expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:trying', 'connect:answered', 'connect:hangup', 'connect:complete']);
  expect(await stack.ready(router())).toBe(true);
}

const issuePaths = (event: Record<string, unknown> | undefined) => ((event?.issues ?? []) as { path: string }[]).map((i) => i.path);

describe('media unavailable', () => {
  const connectScript = () => stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }]);

  it('the media-controller\'s RTPEngine does not answer (a closed port) → 503 with Retry-After within MEDIA_TIMEOUT_MS + 1 s', async () => {
    // The stack's only media-controller points at a closed port: alive, not ready (no engine up).
    expect(await stack.ready(DEAD_MEDIA)).toBe(false);
    connectScript();
    const r = await callExpecting('1002', 503, 'Retry-After: [0-9]+');
    expect(r.code, describeSipp(r)).toBe(0);
    expect(r.ms).toBeLessThan(MEDIA_TIMEOUT_MS + 1000);
    console.log(`RTPEngine unreachable: 503 after ${r.ms} ms (whole SIPp run), MEDIA_TIMEOUT_MS ${MEDIA_TIMEOUT_MS}`);
    const events = await stack.eventsUntil(stack.lastCallId(), 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:complete']);
    expect(stack.output(router())).toContain('PBX_ERR_MEDIA_NO_ENGINE');
  });

  it('no media-controller running at all (NATS no responders) → 503 with Retry-After at once', async () => {
    await stack.stopComponent(DEAD_MEDIA);
    connectScript();
    const r = await callExpecting('1002', 503, 'Retry-After: [0-9]+');
    expect(r.code, describeSipp(r)).toBe(0);
    // The whole run (two INVITEs, a digest, the CallHook) well inside MEDIA_TIMEOUT_MS: NATS says at once that nobody listens.
    expect(r.ms).toBeLessThan(MEDIA_TIMEOUT_MS);
    console.log(`no media-controller: 503 after ${r.ms} ms (whole SIPp run)`);
    const events = await stack.eventsUntil(stack.lastCallId(), 'connect:complete');
    expect(events.map((e) => e.event)).toEqual(['connect:start', 'connect:complete']);
    expect(stack.output(router())).toContain('PBX_ERR_NATS_NO_RESPONDERS');
  });

  it('with a media-controller on the shared RTPEngine back, a normal call works', async () => {
    await stack.startMedia('media-controller', OPS + 3);
    await normalCallWorks();
  });
});

describe('CallHook answers', () => {
  it('10 MB → 480, aborted as it streams (PBX_ERR_WEBHOOK_TOO_LARGE), no event; a normal call after works', async () => {
    const huge = JSON.stringify([{ verb: 'response', code: 486, reason: 'x'.repeat(10 * 1024 * 1024) }]);
    stack.hook.route('/call', () => ({ kind: 'raw', status: 200, text: huge }));
    const r = await callExpecting('3001', 480);
    expect(r.code, describeSipp(r)).toBe(0);
    const callId = stack.lastCallId();
    await until(() => stack.output(router()).includes('PBX_ERR_WEBHOOK_TOO_LARGE'), 3000, 'the too-large log line');
    expect(stack.output(router())).toMatch(new RegExp(`PBX_ERR_WEBHOOK_TOO_LARGE[^\\n]*${callId}|${callId}[^\\n]*PBX_ERR_WEBHOOK_TOO_LARGE`));
    await new Promise((res) => setTimeout(res, 300));
    expect(stack.events(callId)).toEqual([]);
    await normalCallWorks();
  });

  it('100 000 levels of nesting → 500 with script:invalid, quickly, no crash; a normal call after works', async () => {
    const depth = 100_000;
    stack.hook.route('/call', () => ({ kind: 'raw', status: 200, text: `${'['.repeat(depth)}${']'.repeat(depth)}` }));
    const r = await callExpecting('3002', 500);
    expect(r.code, describeSipp(r)).toBe(0);
    expect(r.ms).toBeLessThan(4000);
    const [ev] = await stack.eventsUntil(stack.lastCallId(), 'script:invalid');
    expect(ev).toMatchObject({ event: 'script:invalid', seq: 1, error: { status: 500, reason: 'Invalid CallScript' } });
    expect(issuePaths(ev).length).toBeGreaterThan(0);
    await normalCallWorks();
  });

  it('1 000 destinations → 500 with script:invalid naming /0/dest (a fork is at most 32 legs); nothing rings', async () => {
    // A real PBX does not ring 1 000 phones for one call: the schema caps a fork at 32
    // destinations (docs/contract.md §3.2 validation) and the script is refused whole.
    const dest = Array.from({ length: 1000 }, (_, i) => ({ type: 'sip', address: `sip:${i}@127.0.0.1:${PHONE['1002']}` }));
    stack.hook.json('/call', [{ verb: 'connect', dest }]);
    const r = await callExpecting('3003', 500, 'Invalid CallScript');
    expect(r.code, describeSipp(r)).toBe(0);
    const [ev] = await stack.eventsUntil(stack.lastCallId(), 'script:invalid');
    expect(issuePaths(ev)).toContain('/0/dest');
    await normalCallWorks();
  });
});

describe('announce', () => {
  it('a path with .. that leaves MEDIA_PATH → playback:failed, the script goes on', async () => {
    stack.hook.json('/call', [{ verb: 'announce', url: 'file:/../../../etc/passwd' }, { verb: 'response', code: 404, reason: 'Bad File' }]);
    const r = await callExpecting('3004', 404, 'Bad File');
    expect(r.code, describeSipp(r)).toBe(0);
    const events = await stack.eventsUntil(stack.lastCallId(), 'response:complete');
    expect(events.map((e) => e.event)).toEqual(['playback:failed', 'response:start', 'response:complete']);
    expect(events[0]).toMatchObject({ error: { status: 400, reason: 'path leaves MEDIA_PATH' } });
    await normalCallWorks();
  });
});

