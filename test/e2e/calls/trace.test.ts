// One trace per call (docs/observability.md): the stack exports its spans over OTLP/HTTP to an
// in-process receiver; a carrier's INVITE carries a W3C trace context, and every span of the
// call — the call-router's call and routing steps, the CallHook request, the media-controller's
// requests and ng commands, each StatusHook delivery — lands in that one trace, each under the
// span that caused it. The hooks see the `traceparent` of the request that reached them.
// Ports 28100-28139.
import { randomBytes } from 'node:crypto';
import { until } from '@dragonpbx/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStack, DOMAIN, TRUNK_IP, sipPort } from './support/call-stack.js';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { describeSipp, runSipp } from './support/sipp.js';

const SIP = sipPort(28100);
const OTLP = 28110;
const TRUNK_PORT = 28111;
const TRUNK_MEDIA = 28112;
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;

const receiver = new OtlpReceiver(OTLP);
let stack: CallStack;

beforeAll(async () => {
  await receiver.start();
  stack = await CallStack.start({
    ports: { sip: SIP, admin: 28101, ops: 28102 },
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
}, 60_000);

/** The one span matching, failing with the trace's span list when there is not exactly one. */
function one(spans: ReceivedSpan[], service: string, name: string | RegExp): ReceivedSpan {
  const found = spans.filter((s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)));
  expect(found, `${service} ${String(name)} in ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

describe('one trace per call', () => {
  it('a carrier call with an announcement and a 486: every service adds its spans to the INVITE’s trace, correctly parented', async () => {
    stack.hook.json('/call', [
      { verb: 'announce', url: 'file:/tone.wav', statusLabel: 'greet' },
      { verb: 'response', code: 486, reason: 'Busy Here' },
    ]);
    const traceId = randomBytes(16).toString('hex');
    const carrierSpan = randomBytes(8).toString('hex');
    const result = await runSipp({
      scenario: 'trunk-invite-final.xml',
      target: `127.0.0.1:${SIP}`,
      port: TRUNK_PORT,
      mediaPort: TRUNK_MEDIA,
      localIp: TRUNK_IP,
      keys: { domain: DOMAIN, from: '15550001', to: '2000' },
      vars: { final: '486', traceparent: `00-${traceId}-${carrierSpan}-01` },
      timeoutS: 20,
    });
    expect(result.code, describeSipp(result)).toBe(0);
    const callId = stack.lastCallId();
    await stack.eventsUntil(callId, 'response:complete');

    // Spans are batched (OTEL_BSP_SCHEDULE_DELAY): wait for every service's share of the trace.
    const names = () => new Set(receiver.trace(traceId).map((s) => `${s.service}:${s.name}`));
    const wanted = [
      'call-router:call',
      'call-router:webhook POST',
      'media-controller:media offer',
      'media-controller:ng offer',
      'media-controller:media delete',
      'hook-dispatcher:statushook.deliver',
    ];
    await until(() => wanted.every((n) => names().has(n)), 15_000, `spans ${wanted.join(', ')}; got ${[...names()].join(', ')}; rejected ${receiver.rejected.join(', ')}`);
    // The last deliveries may still be in a batch.
    await until(() => receiver.trace(traceId).filter((s) => s.name === 'statushook.deliver').length >= stack.events(callId).length, 10_000, 'every delivery span');
    const spans = receiver.trace(traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: ReceivedSpan) => byId.get(s.parentSpanId);

    // The call joins the carrier's trace, under the span the INVITE named.
    const call = one(spans, 'call-router', 'call');
    expect(call.parentSpanId).toBe(carrierSpan);
    expect(call.kind).toBe(SERVER);
    expect(call.attributes['sip.call_id']).toBe(callId);
    expect(call.attributes['sip.status_code']).toBe(486);
    // Every other span hangs off a span of this trace: nothing dangles, nothing starts a new tree.
    for (const s of spans) if (s !== call) expect(parentOf(s), `parent of ${s.service}:${s.name}`).toBeDefined();

    // Routing steps, then the CallHook request inside its step.
    for (const step of ['route identify', 'route dialplan', 'route callhook']) expect(parentOf(one(spans, 'call-router', step))).toBe(call);
    const callhook = one(spans, 'call-router', 'webhook POST');
    expect(callhook.kind).toBe(CLIENT);
    expect(callhook.attributes['dragon.hook']).toBe('callhook');
    expect(parentOf(callhook)?.name).toBe('route callhook');
    // The CallHook got the request span's context, so its own spans can join the call's trace.
    const hookCall = stack.hook.callsTo('/call').at(-1)!;
    expect(hookCall.headers.traceparent).toBe(`00-${traceId}-${callhook.spanId}-01`);

    // The verbs, each a child of the call.
    const announce = one(spans, 'call-router', 'verb announce');
    expect(parentOf(announce)).toBe(call);
    expect(parentOf(one(spans, 'call-router', 'verb response'))).toBe(call);

    // media-controller: each operation is a SERVER span under the call-router's NATS request
    // (context carried in NATS headers), and its ng commands are children of the operation.
    const offer = one(spans, 'media-controller', 'media offer');
    expect(offer.kind).toBe(SERVER);
    const offerRequest = parentOf(offer)!;
    expect(offerRequest).toMatchObject({ service: 'call-router', kind: CLIENT });
    expect(offerRequest.name).toMatch(/^nats request .*media\.offer$/);
    expect(parentOf(offerRequest)).toBe(announce);
    const ngOffer = one(spans, 'media-controller', 'ng offer');
    expect(ngOffer.kind).toBe(CLIENT);
    expect(parentOf(ngOffer)).toBe(offer);
    const ngPlay = spans.filter((s) => s.name === 'ng playMedia');
    expect(ngPlay.length).toBeGreaterThanOrEqual(1);
    for (const s of ngPlay) expect(parentOf(s)).toMatchObject({ service: 'media-controller', name: 'media play' });
    expect(parentOf(one(spans, 'media-controller', 'ng delete'))).toMatchObject({ service: 'media-controller', name: 'media delete' });

    // Each StatusHook event: published by the call-router (PRODUCER span), delivered by the
    // hook-dispatcher under that publication; the StatusHook got the attempt's traceparent.
    const deliveries = spans.filter((s) => s.service === 'hook-dispatcher' && s.name === 'statushook.deliver');
    const events = stack.events(callId);
    expect(deliveries.length).toBeGreaterThanOrEqual(events.length);
    for (const d of deliveries) {
      expect(d.kind).toBe(CLIENT);
      const publication = parentOf(d)!;
      expect(publication).toMatchObject({ service: 'call-router', name: 'status publish', kind: PRODUCER });
      expect(d.attributes['dragon.call_id']).toBe(callId);
    }
    const delivered = stack.hook.callsTo('/status').filter((c) => c.body.callId === callId);
    const deliveryIds = new Set(deliveries.map((d) => d.spanId));
    for (const c of delivered) {
      const [, tid, sid] = String(c.headers.traceparent).split('-');
      expect(tid).toBe(traceId);
      expect(deliveryIds.has(sid!)).toBe(true);
    }
  });
});
