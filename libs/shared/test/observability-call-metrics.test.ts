// The observability helpers added for one trace per call and the service metrics: inSpan (a
// span only when spans are exported), the per-connection NATS request observer, webhook
// latency by hook and outcome, and the contact store's count of live registrations.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsRequestOutcome, observeNatsRequests, request } from '../src/nats/request.js';
import { serve } from '../src/nats/serve.js';
import { createSubjects } from '../src/nats/subjects.js';
import { createMetrics } from '../src/observability/create-metrics.js';
import { startTracing } from '../src/observability/start-tracing.js';
import { inSpan, spansExported } from '../src/observability/tracer.js';
import { declareHookLatency } from '../src/webhook/hook-latency.js';
import { createWebhookClient } from '../src/webhook/webhook-client.js';
import { stateFixture } from './state-fixture.js';

let nc: NatsConnection;
beforeAll(async () => {
  nc = await connect({ servers: process.env.NATS_URL ?? '127.0.0.1:4222' });
});
afterAll(async () => {
  await nc?.drain();
});

describe('inSpan', () => {
  it('without an exporter builds no span (nor its attributes) and just runs the step', async () => {
    const tracing = startTracing({ serviceName: 'in-span-test', env: {} });
    try {
      expect(spansExported()).toBe(false);
      let built = false;
      const out = await inSpan(trace.getTracer('t'), 'step', async (span) => ({ span, active: trace.getSpan(context.active()) }), {
        attributes: () => {
          built = true;
          return {};
        },
      });
      expect(out).toEqual({ span: undefined, active: undefined });
      expect(built).toBe(false);
    } finally {
      await tracing.shutdown();
    }
  });

  it('with an exporter: a child of the active span, active while the step runs, an error status when it throws', async () => {
    const exporter = new sdkTracing.InMemorySpanExporter();
    const tracing = startTracing({ serviceName: 'in-span-test', env: {}, exporter });
    try {
      expect(spansExported()).toBe(true);
      const tracer = trace.getTracer('t');
      await tracer.startActiveSpan('parent', async (parent) => {
        const inner = await inSpan(() => tracer, 'step', async (span) => trace.getSpan(context.active()) === span, { attributes: () => ({ a: 1 }) });
        expect(inner).toBe(true);
        await expect(inSpan(tracer, 'failing', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
        parent.end();
      });
      const spans = exporter.getFinishedSpans();
      const parent = spans.find((s) => s.name === 'parent')!;
      const step = spans.find((s) => s.name === 'step')!;
      const failing = spans.find((s) => s.name === 'failing')!;
      expect(step.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(step.attributes).toEqual({ a: 1 });
      expect(failing.status).toEqual({ code: 2, message: 'boom' });
    } finally {
      await tracing.shutdown();
    }
    expect(spansExported()).toBe(false);
  });
});

describe('NATS request latency', () => {
  it('reports each request on an observed connection with its subject and outcome', async () => {
    const subjects = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` });
    const seen: [string, NatsRequestOutcome, number][] = [];
    const observed = await connect({ servers: process.env.NATS_URL ?? '127.0.0.1:4222' });
    observeNatsRequests(observed, (subject, outcome, seconds) => seen.push([subject, outcome, seconds]));
    const ok = subjects.media('offer');
    const refused = subjects.media('answer');
    const subs = [
      serve(nc, ok, () => 'sdp'),
      serve(nc, refused, () => {
        throw new Error('no');
      }),
    ];
    await nc.flush();
    try {
      await request(observed, ok, {});
      await request(observed, refused, {}).catch(() => undefined);
      await request(observed, subjects.media('delete'), {}).catch(() => undefined);
      // Another connection is not observed.
      await request(nc, ok, {});
    } finally {
      for (const s of subs) s.unsubscribe();
      await observed.close();
    }
    expect(seen.map(([s, o]) => [s, o])).toEqual([
      [ok, 'ok'],
      [refused, 'remote_error'],
      [subjects.media('delete'), 'no_responders'],
    ]);
    for (const [, , seconds] of seen) expect(seconds).toBeGreaterThanOrEqual(0);
  });
});

describe('webhook latency', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(req.url === '/fail' ? 500 : 200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('observes dragon_hook_request_seconds by hook and outcome', async () => {
    const metrics = createMetrics({ service: 'hook-latency-test', defaultMetrics: false });
    const client = createWebhookClient({ latency: declareHookLatency(metrics) });
    try {
      await client.post(`${base}/ok`, {}, { hook: 'callhook' });
      await client.post(`${base}/fail`, {}, { hook: 'reghook' });
      await client.post(`${base}/ok`, {});
    } finally {
      client.close();
    }
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/dragon_hook_request_seconds_count\{service="hook-latency-test",hook="callhook",outcome="ok"\} 1/);
    expect(text).toMatch(/dragon_hook_request_seconds_count\{service="hook-latency-test",hook="reghook",outcome="http-error"\} 1/);
    expect(text).toMatch(/dragon_hook_request_seconds_count\{service="hook-latency-test",hook="webhook",outcome="ok"\} 1/);
  });
});

describe('ContactStore.countExtensions', () => {
  it('counts the extensions with a live contact over the given domains', async () => {
    const f = await stateFixture();
    try {
      const bind = (ext: string, n: number) => ({
        uri: `sip:${ext}@192.0.2.${n}:5060`,
        source: { ip: `198.51.100.${n}`, port: 5000 + n, transport: 'udp' as const },
        callId: `call-${n}`,
        cseq: 1,
        userAgent: 'Phone',
      });
      expect(await f.store.contacts.countExtensions([])).toBe(0);
      await f.store.contacts.add('a.test', '1000', bind('1000', 1), 60, 2);
      await f.store.contacts.add('a.test', '1000', bind('1000', 2), 60, 2);
      await f.store.contacts.add('a.test', '1001', bind('1001', 3), 60, 1);
      await f.store.contacts.add('b.test', '2000', bind('2000', 4), 60, 1);
      expect(await f.store.contacts.countExtensions(['a.test'])).toBe(2);
      expect(await f.store.contacts.countExtensions(['a.test', 'b.test', 'c.test'])).toBe(3);
      await f.store.contacts.clear('a.test', '1001');
      expect(await f.store.contacts.countExtensions(['a.test', 'b.test'])).toBe(2);
    } finally {
      await f.cleanup();
    }
  });
});
