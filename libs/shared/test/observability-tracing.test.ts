import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startTracing } from '../src/observability/start-tracing.js';

describe('startTracing', () => {
  it('exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT and propagates W3C context', async () => {
    const posts: { url: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        posts.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
    const tracing = startTracing({ serviceName: 'call-router-test', env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    try {
      expect(tracing.enabled).toBe(true);
      expect(tracing.exportUrl).toBe(`${endpoint}v1/traces`);
      const tracer = trace.getTracer('test');
      const carrier: Record<string, string> = {};
      tracer.startActiveSpan('invite-span', (span) => {
        propagation.inject(context.active(), carrier);
        expect(carrier.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
        span.end();
      });
    } finally {
      await tracing.shutdown();
      collector.close();
    }
    expect(posts.map((p) => p.url)).toContain('/v1/traces');
    const all = posts.map((p) => p.body).join('\n');
    expect(all).toContain('invite-span');
    expect(all).toContain('call-router-test');
    // globals are released: a non-recording no-op again
    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
  });

  it('gives spans ids but exports nothing without an endpoint', async () => {
    const tracing = startTracing({ serviceName: 'svc', env: {} });
    try {
      expect(tracing.exportUrl).toBeUndefined();
      const span = trace.getTracer('t').startSpan('s');
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      span.end();
    } finally {
      await tracing.shutdown();
    }
  });

  it('does not export when OTEL_TRACES_EXPORTER=none even with an endpoint', async () => {
    const tracing = startTracing({
      serviceName: 'svc',
      env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' },
    });
    try {
      expect(tracing.enabled).toBe(true);
      expect(tracing.exportUrl).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });

  it('does nothing when OTEL_SDK_DISABLED=true', async () => {
    const tracing = startTracing({ serviceName: 'svc', env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' } });
    expect(tracing.enabled).toBe(false);
    const span = trace.getTracer('t').startSpan('s');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    await tracing.shutdown();
  });
});
