import { randomBytes } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import { type NatsConnection, connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/nats/request.js';
import { serve } from '../src/nats/serve.js';
import { createSubjects } from '../src/nats/subjects.js';
import { type Tracing, startTracing } from '../src/observability/start-tracing.js';
import { createWebhookClient } from '../src/webhook/webhook-client.js';

const exporter = new sdkTracing.InMemorySpanExporter();
let tracing: Tracing;
let nc: NatsConnection;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'spans-test', env: {}, exporter });
  nc = await connect({ servers: '127.0.0.1:4222' });
});
afterAll(async () => {
  await nc?.drain();
  await tracing?.shutdown();
});

describe('one trace across NATS and webhooks', () => {
  it('links caller, NATS service and webhook spans into one trace', async () => {
    const hookHeaders: IncomingHttpHeaders[] = [];
    const hook = createServer((req, res) => {
      hookHeaders.push(req.headers);
      req.resume();
      req.on('end', () => res.end('{"ok":true}'));
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/call?token=secret`;
    const client = createWebhookClient();
    const subject = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` }).media('offer');
    const sub = serve(nc, subject, async () => {
      await client.post(hookUrl, { from: 'alice' }); // a hook called while serving
      return 'sdp';
    });
    try {
      const tracer = trace.getTracer('test');
      await tracer.startActiveSpan('call', async (root) => {
        expect(await request(nc, subject, { callId: 'c1' })).toBe('sdp');
        root.end();
      });
    } finally {
      sub.unsubscribe();
      client.close();
      hook.close();
    }
    const spans = exporter.getFinishedSpans();
    const byName = (n: string) => spans.find((s) => s.name === n);
    const root = byName('call');
    const req = byName(`nats request ${subject}`);
    const srv = byName(`nats serve ${subject}`);
    const web = byName('webhook POST');
    expect(root && req && srv && web).toBeTruthy();
    const traceId = root?.spanContext().traceId;
    for (const s of [req, srv, web]) expect(s?.spanContext().traceId).toBe(traceId);
    expect(req?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(srv?.parentSpanContext?.spanId).toBe(req?.spanContext().spanId);
    expect(web?.parentSpanContext?.spanId).toBe(srv?.spanContext().spanId);
    expect(web?.attributes['http.response.status_code']).toBe(200);
    expect(web?.attributes['url.full']).not.toContain('secret');
    expect(hookHeaders[0]?.traceparent).toBe(`00-${traceId}-${web?.spanContext().spanId}-01`);
  });

  it('names the serve span and sets attributes from the request; the handler sees it as the active span', async () => {
    exporter.reset();
    const subject = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` }).media('answer');
    const sub = serve(nc, subject, (_p: { callId: string }, ctx) => trace.getActiveSpan() === ctx.span, {
      spanName: 'media answer',
      spanAttributes: (p) => ({ 'dragon.call_id': p.callId }),
    });
    try {
      expect(await request(nc, subject, { callId: 'c-42' })).toBe(true);
    } finally {
      sub.unsubscribe();
    }
    const span = exporter.getFinishedSpans().find((s) => s.name === 'media answer');
    expect(span?.attributes['dragon.call_id']).toBe('c-42');
    expect(span?.attributes['messaging.destination.name']).toBe(subject);
  });

  it('marks failed NATS requests and webhook calls as errors', async () => {
    exporter.reset();
    const subject = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` }).media('play');
    await request(nc, subject, {}).catch(() => undefined);
    const client = createWebhookClient();
    await client.post('http://127.0.0.1:1/hook', {});
    client.close();
    const spans = exporter.getFinishedSpans();
    expect(spans.find((s) => s.name === `nats request ${subject}`)?.status).toMatchObject({ code: 2 });
    expect(spans.find((s) => s.name === 'webhook POST')?.status).toMatchObject({ code: 2, message: 'PBX_ERR_WEBHOOK_NETWORK' });
  });
});
