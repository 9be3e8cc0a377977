import { type Tracing, startTracing } from '@dragonpbx/shared/platform';
import type { HookServer } from '@dragonpbx/testkit';
import { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, type Harness, startHarness, until } from './helpers/harness.js';
import { describeSipp, runSipp } from './helpers/sipp.js';

// One trace per call: the call-router's `call` span is the root of the routing steps, the
// CallHook request and the verbs; each StatusHook event is published in a PRODUCER span whose
// context travels in the envelope (the hook-dispatcher's delivery spans join it), and an
// INVITE's own `traceparent` is continued.
const SIP = 29020;
const TRUNK = 29021;
const exporter = new sdkTracing.InMemorySpanExporter();
let tracing: Tracing;
let h: Harness;

const config = (hook: HookServer) => ({
  domains: {
    [DOMAIN]: {
      domain_id: 1,
      clients: [],
      trunks: [{ id: 3, name: 'local', inbound: ['127.0.0.1/32'], dialplan: { '*': { callHook: hook.url('/call'), statusHook: hook.url('/status') } } }],
    },
  },
});

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'call-router-trace-test', env: {}, exporter });
  h = await startHarness(SIP, config);
  h.hook.json('/call', [{ verb: 'response', code: 486, reason: 'Busy' }]);
});

afterAll(async () => {
  await h?.stop();
  await tracing?.shutdown();
});

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** A trunk call answered 486; returns its Call-ID. */
async function busyCall(traceparent: string): Promise<string> {
  const r = await runSipp({
    scenario: 'uac-invite-traced.xml',
    target: `127.0.0.1:${SIP}`,
    port: TRUNK,
    keys: { domain: DOMAIN, from: '0207', to: '555' },
    vars: { final: '486', check: '.', traceparent },
  });
  expect(r.code, describeSipp(r)).toBe(0);
  const callId = String(h.hook.callsTo('/call').at(-1)?.body.callId);
  await until(() => h.eventsOf(callId).length === 2, 3000, 'response events');
  return callId;
}

/** The call's span, once the call has ended (after its last cleanup). */
async function callSpan(callId: string) {
  const find = () => exporter.getFinishedSpans().find((s) => s.name === 'call' && s.attributes['sip.call_id'] === callId);
  await until(() => find() !== undefined, 3000, `the call span of ${callId}`);
  return find()!;
}

describe('one trace per call', () => {
  it('the call span is the root of the CallHook request and of every StatusHook publication, whose context the envelope carries', async () => {
    // A malformed traceparent on the INVITE is ignored: the call starts its own trace.
    const callId = await busyCall('not-a-trace');
    const span = await callSpan(callId);
    expect(span.attributes['sip.status_code']).toBe(486);
    const { traceId, spanId } = span.spanContext();
    expect(span.parentSpanContext).toBeUndefined();

    const hookHeader = String(h.hook.callsTo('/call').at(-1)?.headers.traceparent);
    expect(hookHeader).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(hookHeader)?.[1]).toBe(traceId);

    // A publication's span ends with the stream's acknowledgement, which may trail the stored message.
    const published = () => exporter.getFinishedSpans().filter((s) => s.name === 'status publish' && s.spanContext().traceId === traceId).length;
    await until(() => published() === 2, 3000, 'both publication spans');
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: (typeof spans)[number]) => byId.get(s.parentSpanContext?.spanId ?? '');
    const hookSpan = byId.get(TRACEPARENT.exec(hookHeader)![2]!)!;
    expect(hookSpan.name).toBe('webhook POST');
    expect(parentOf(hookSpan)?.name).toBe('route callhook');
    expect(parentOf(parentOf(hookSpan)!)?.spanContext().spanId).toBe(spanId);

    const envelopes = h.events.filter((e) => e.callId === callId);
    expect(envelopes).toHaveLength(2);
    for (const e of envelopes) {
      const [, tid, sid] = TRACEPARENT.exec(String(e.traceparent))!;
      expect(tid).toBe(traceId);
      const publication = byId.get(sid!)!;
      expect(publication.name).toBe('status publish');
      expect(publication.attributes['dragon.event_id']).toBe(e.id);
      const verb = parentOf(publication)!;
      expect(verb.name).toBe('verb response');
      expect(verb.parentSpanContext?.spanId).toBe(spanId);
    }
  });

  it("an INVITE's traceparent makes the call join the caller's trace", async () => {
    const upstream = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const callId = await busyCall(`00-${upstream.traceId}-${upstream.spanId}-01`);
    const span = await callSpan(callId);
    expect(span.spanContext().traceId).toBe(upstream.traceId);
    expect(span.parentSpanContext?.spanId).toBe(upstream.spanId);
    for (const e of h.events.filter((x) => x.callId === callId)) expect(e.traceparent).toMatch(new RegExp(`^00-${upstream.traceId}-`));
  });
});
