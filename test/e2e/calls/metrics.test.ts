// The Prometheus series of every service move with the traffic (docs/observability.md): each
// component's /metrics is scraped before, during and after a registration and calls through
// the real stack, and the key series are checked to change — registrations, active/started/
// answered/failed calls, post-dial delay and answer time, hook latency by hook and outcome,
// NATS request latency, ng round trips, StatusHook delivery and queue depth, event-loop lag.
// Ports 28140-28179.
import { until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, TRUNK_IP, externalSipServer, sipPort } from './support/call-stack.js';
import { describeSipp, runSipp, startSipp } from './support/sipp.js';

const SIP = sipPort(28140);
const PHONE = 28150;
const PHONE_MEDIA = 28152;
const TRUNK_PORT = 28156;
const TRUNK_MEDIA = 28158;
const STRANGER_PORT = 28162;
const target = `127.0.0.1:${SIP}`;
const ALL = ['sip-server', 'registrar', 'call-router', 'media-controller', 'hook-dispatcher'] as const;
type Component = (typeof ALL)[number];
/** With SIP_SERVER=external the SIP server is not the stack's, and not scraped. */
const COMPONENTS: readonly Component[] = externalSipServer() ? ALL.filter((c) => c !== 'sip-server') : ALL;
type Scrape = Record<Component, string>;

let stack: CallStack;

beforeAll(async () => {
  stack = await CallStack.start({ ports: { sip: SIP, admin: 28141, ops: 28142 }, codecs: () => ['PCMU'] });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const router = () => stack.routerName(0);
const nameOf = (c: Component) => (c === 'call-router' ? router() : c);

async function scrape(): Promise<Scrape> {
  const texts = await Promise.all(COMPONENTS.map((c) => stack.metrics(nameOf(c))));
  return Object.fromEntries(COMPONENTS.map((c, i) => [c, texts[i]])) as Scrape;
}

/**
 * Sum of the samples of `name` whose labels include `labels` (a value may be a RegExp);
 * `undefined` when the series is not exposed at all.
 */
function value(text: string, name: string, labels: Record<string, string | RegExp> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    const ok = Object.entries(labels).every(([k, v]) => (typeof v === 'string' ? have[k] === v : have[k] !== undefined && v.test(have[k]!)));
    if (ok) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

/** `value` after minus before, absent series counting 0. */
const delta = (after: string, before: string, name: string, labels: Record<string, string | RegExp> = {}) =>
  (value(after, name, labels) ?? 0) - (value(before, name, labels) ?? 0);

describe('metrics of every service', () => {
  it('move with a registration, a refused REGISTER, an answered call and a refused call', async () => {
    const before = await scrape();
    // Every service runs the process collector: event-loop lag, on every /metrics.
    for (const c of COMPONENTS) expect(value(before[c], 'nodejs_eventloop_lag_seconds'), `${c} event-loop lag`).toBeGreaterThanOrEqual(0);
    // The hook-dispatcher samples its queue at each scrape.
    expect(value(before['hook-dispatcher'], 'dragon_hook_queue_depth', { state: 'waiting' })).toBeGreaterThanOrEqual(0);

    // A phone registers (401, then digest; the RegHook grants), and a REGISTER for a domain
    // this PBX does not serve is refused.
    const reg = await runSipp({ scenario: 'uac-register.xml', target, port: PHONE, mediaPort: PHONE_MEDIA, keys: { domain: DOMAIN, user: '1002' }, vars: { user: '1002', password: 'pw1002' } });
    expect(reg.code, describeSipp(reg)).toBe(0);
    await runSipp({ scenario: 'uac-register.xml', target, port: STRANGER_PORT, keys: { domain: 'elsewhere.test', user: '1009' }, vars: { user: '1009', password: 'pw' }, timeoutS: 5 });
    const registered = await scrape();
    const r = registered.registrar;
    expect(delta(r, before.registrar, 'dragon_registrar_registrations_total', { type: 'registered' })).toBe(1);
    expect(delta(r, before.registrar, 'dragon_registrar_registration_failures_total', { reason: 'unknown-domain' })).toBe(1);
    expect(value(r, 'dragon_registrar_registrations_active')).toBe(1);
    expect(delta(r, before.registrar, 'dragon_hook_request_seconds_count', { hook: 'reghook', outcome: 'ok' })).toBe(1);

    // A carrier calls 1002, which answers; the carrier hangs up after 2.5 s.
    stack.hook.json('/call', [{ verb: 'connect', dest: { type: 'client', address: '1002' } }]);
    const callee = startSipp({ scenario: 'uas-answer-wait-bye.xml', port: PHONE, mediaPort: PHONE_MEDIA, timeoutS: 20 });
    const carrier = startSipp({
      scenario: 'trunk-call-bye.xml',
      target,
      port: TRUNK_PORT,
      mediaPort: TRUNK_MEDIA,
      localIp: TRUNK_IP,
      keys: { domain: DOMAIN, from: '15550001', to: '1002' },
      vars: { hold: '2500' },
      timeoutS: 20,
    });
    let during = registered;
    await until(
      async () => {
        during = await scrape();
        return value(during['call-router'], 'dragon_call_router_calls_answered_total')! > (value(before['call-router'], 'dragon_call_router_calls_answered_total') ?? 0);
      },
      10_000,
      'the call answered',
    );
    const cr = during['call-router'];
    expect(value(cr, 'dragon_call_router_active_calls')).toBe(1);
    expect(delta(cr, before['call-router'], 'dragon_call_router_calls_started_total')).toBe(1);
    expect(delta(cr, before['call-router'], 'dragon_call_router_post_dial_delay_seconds_count')).toBe(1);
    expect(delta(cr, before['call-router'], 'dragon_call_router_answer_time_seconds_count')).toBe(1);
    expect(delta(cr, before['call-router'], 'dragon_hook_request_seconds_count', { hook: 'callhook', outcome: 'ok' })).toBe(1);
    // The call-router's NATS requests to the media-controller are timed per subject and outcome.
    expect(delta(cr, before['call-router'], 'dragon_nats_request_seconds_count', { subject: /media\.offer$/, outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    const mc = during['media-controller'];
    expect(delta(mc, before['media-controller'], 'dragon_media_requests_total', { op: 'offer', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(delta(mc, before['media-controller'], 'dragon_media_ng_seconds_count', { command: 'offer', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    // The SIP server: the requests it received, and the call's two dialogs (caller and callee legs).
    if (!stack.external) {
      expect(delta(during['sip-server'], before['sip-server'], 'sip_requests_received_total')).toBeGreaterThanOrEqual(2);
      expect(value(during['sip-server'], 'sip_dialogs_alive')).toBeGreaterThanOrEqual(2);
    }

    const a = await carrier.done;
    expect(a.code, describeSipp(a)).toBe(0);
    const b = await callee.done;
    expect(b.code, describeSipp(b)).toBe(0);
    const callId = stack.lastCallId();
    await stack.eventsUntil(callId, 'connect:complete');

    // A second carrier call is refused by its script: 486, counted by its SIP code.
    stack.hook.json('/call', [{ verb: 'response', code: 486, reason: 'Busy Here' }]);
    const refused = await runSipp({
      scenario: 'trunk-invite-final.xml',
      target,
      port: TRUNK_PORT,
      mediaPort: TRUNK_MEDIA,
      localIp: TRUNK_IP,
      keys: { domain: DOMAIN, from: '15550001', to: '2000' },
      vars: { final: '486', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(refused.code, describeSipp(refused)).toBe(0);

    let after = during;
    await until(
      async () => {
        after = await scrape();
        return value(after['call-router'], 'dragon_call_router_active_calls') === 0 && delta(after['call-router'], before['call-router'], 'dragon_call_router_calls_failed_total') === 1;
      },
      10_000,
      'both calls over',
    );
    const cr2 = after['call-router'];
    expect(delta(cr2, before['call-router'], 'dragon_call_router_calls_started_total')).toBe(2);
    expect(delta(cr2, before['call-router'], 'dragon_call_router_calls_answered_total')).toBe(1);
    expect(delta(cr2, before['call-router'], 'dragon_call_router_calls_failed_total', { code: '486' })).toBe(1);
    expect(delta(after['media-controller'], before['media-controller'], 'dragon_media_requests_total', { op: 'delete', result: 'ok' })).toBeGreaterThanOrEqual(1);
    // Every StatusHook event of the answered call was delivered, each attempt timed.
    const hd = after['hook-dispatcher'];
    const events = stack.events(callId).length;
    expect(delta(hd, before['hook-dispatcher'], 'dragon_hook_delivered_total')).toBeGreaterThanOrEqual(events);
    expect(delta(hd, before['hook-dispatcher'], 'dragon_hook_request_seconds_count', { hook: 'statushook', outcome: 'ok' })).toBeGreaterThanOrEqual(events);
    for (const c of COMPONENTS) expect(value(after[c], 'nodejs_eventloop_lag_seconds'), `${c} event-loop lag`).toBeGreaterThanOrEqual(0);
  });
});
