import { verifyWebhook } from '@dragonpbx/shared/webhooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { buildAdminServer } from '../src/http/admin-server.js';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import { useDispatcher } from './helpers/dispatcher-fixture.js';
import { envelope, firstReceiptOrder, SECRET, waitFor } from './helpers/infra.js';

describe('StatusHook delivery (real NATS, Redis, HTTP)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const t = useDispatcher({ tracer: provider.getTracer('test') });
  const { iso, receiver } = t;

  it('delivers every event once, signed, in seq order per call, inside the call trace', async () => {
    const js = t.nats.jetstream();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const sent = [];
    for (let seq = 1; seq <= 5; seq++) {
      for (const call of ['call-a@host', 'call-b@host', 'call-c@host']) {
        const e = envelope(receiver.url(), call, seq, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
        sent.push(e);
        await publishStatusEvent(js, e, { subjectPrefix: iso.subjectPrefix });
      }
    }
    await waitFor(() => receiver.ids().size === sent.length);
    expect(receiver.received).toHaveLength(sent.length);

    for (const r of receiver.received) {
      // The receiver checks what a hook author would: signature over the raw body, stable id.
      expect(verifyWebhook(SECRET, r.headers, r.raw).id).toBe(r.id);
      const e = sent.find((s) => s.id === r.id)!;
      expect(JSON.parse(r.raw)).toEqual(e.body);
      expect(r.headers['content-type']).toBe('application/json');
      expect(String(r.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }
    for (const [, seqs] of firstReceiptOrder(receiver.received)) expect(seqs).toEqual([1, 2, 3, 4, 5]);

    // A span ends just after the receiver has answered.
    const spans = () => exporter.getFinishedSpans().filter((s) => s.name === 'statushook.deliver');
    await waitFor(() => spans().length >= sent.length);
    expect(spans()).toHaveLength(sent.length);
    for (const s of spans()) {
      expect(s.spanContext().traceId).toBe(traceId);
      expect(s.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(s.attributes['http.response.status_code']).toBe(200);
    }
  });

  it('terminates a malformed message with a counted, coded rejection and keeps delivering', async () => {
    const before = receiver.received.length;
    t.nats.publish(`${iso.subjectPrefix}.dragon.status.example%2Ecom.bad`, new TextEncoder().encode('{"id":"x:y"}'));
    await t.nats.flush();
    const good = envelope(receiver.url(), 'call-d@host', 1);
    await publishStatusEvent(t.nats.jetstream(), good, { subjectPrefix: iso.subjectPrefix });
    await waitFor(() => receiver.ids().has(good.id));
    expect(receiver.received.length).toBe(before + 1);
    await waitFor(async () => (await t.deps.registry.getSingleMetricAsString('dragon_hook_intake_invalid_total')).endsWith(' 1'));
  });

  it('serves health, readiness and metrics with per-host counters and queue depth', async () => {
    const app = buildAdminServer(t.dispatcher, t.deps.registry);
    // The counter moves just after the receiver has answered the last request.
    await waitFor(async () => (await t.dispatcher.metrics.delivered.get()).values[0]?.value === 16);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    // One /readyz body shape for every service (issue #14).
    expect((await app.inject('/readyz')).json()).toEqual({ ready: true, checks: { intake: true, redis: true, nats: true } });
    const text = (await app.inject('/metrics')).body;
    const host = `127.0.0.1:${receiver.port}`;
    expect(text).toContain(`dragon_hook_delivered_total{host="${host}"} 16`);
    expect(text).toMatch(new RegExp(`dragon_hook_delivery_latency_seconds_count\\{host="${host.replace('.', '\\.')}"\\} 16`));
    // Each attempt is timed as the other services time their hooks, by hook and outcome.
    expect(text).toContain('dragon_hook_request_seconds_count{hook="statushook",outcome="ok"} 16');
    expect(text).toContain('dragon_hook_queue_depth{state="dead_lettered"} 0');
    // Every event has been delivered: none is still being delivered directly by the intake.
    expect(text).toContain('dragon_hook_queue_depth{state="direct"} 0');
    await app.close();
  });
  it('counts an event the intake delivers itself as queue depth "direct" while the receiver holds it', async () => {
    const depth = async () => (await t.deps.registry.getSingleMetricAsString('dragon_hook_queue_depth')).match(/state="direct"\} (\d+)/)?.[1];
    receiver.behaviour = () => ({ status: 200, delayMs: 600 });
    try {
      const held = envelope(receiver.url(), 'call-direct@host', 1);
      await publishStatusEvent(t.nats.jetstream(), held, { subjectPrefix: iso.subjectPrefix });
      await waitFor(() => receiver.ids().has(held.id));
      expect(await depth()).toBe('1');
      // Back to zero once the attempt is over.
      await waitFor(async () => (await depth()) === '0');
    } finally {
      receiver.behaviour = () => ({ status: 200 });
    }
  });
});
