import { trace } from '@opentelemetry/api';
import { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import { startTracing, type Tracing } from '@dragonpbx/shared/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, newCall } from './support/harness.js';
import { PCMU, audioSdp } from './support/sdp.js';

// Media operations join the caller's trace (docs/contract.md §3: one trace per call).

const exporter = new sdkTracing.InMemorySpanExporter();
let tracing: Tracing;
let h: Harness;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'media-controller-test', env: {}, exporter });
  h = await createHarness();
  await h.startController();
});
afterAll(async () => {
  await h?.close();
  await tracing?.shutdown();
});

describe('tracing', () => {
  it('records each operation as a span in the call-router’s trace, errors marked with their code', async () => {
    const call = newCall();
    const tracer = trace.getTracer('test');
    const rootCtx = await tracer.startActiveSpan('call', async (root) => {
      await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(40_000, [PCMU]) });
      await h.client.play({ callId: 'nobody', fromTag: 'x', file: '/tmp/none.wav' }).catch(() => undefined);
      await h.client.delete({ callId: call.callId });
      root.end();
      return root.spanContext();
    });
    const spans = exporter.getFinishedSpans();
    const offer = spans.find((s) => s.name === 'media offer');
    const play = spans.find((s) => s.name === 'media play');
    expect(offer?.spanContext().traceId).toBe(rootCtx.traceId);
    expect(offer?.parentSpanContext?.spanId).toBeDefined();
    expect(offer?.attributes['dragon.call_id']).toBe(call.callId);
    expect(offer?.status.code).not.toBe(2);
    expect(play?.spanContext().traceId).toBe(rootCtx.traceId);
    expect(play?.status).toMatchObject({ code: 2, message: 'PBX_ERR_MEDIA_CALL_UNKNOWN' });
    expect(spans.find((s) => s.name === 'media delete')?.spanContext().traceId).toBe(rootCtx.traceId);
  });

  it('records each ng command as a CLIENT span under its operation; health-check pings, outside any trace, get none', async () => {
    const call = newCall();
    await trace.getTracer('test').startActiveSpan('call', async (root) => {
      await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(40_002, [PCMU]) });
      await h.client.delete({ callId: call.callId });
      root.end();
    });
    const spans = exporter.getFinishedSpans();
    const op = (name: string) => spans.find((s) => s.name === name && s.attributes['dragon.call_id'] === call.callId)!;
    for (const [ng, parent] of [['ng offer', 'media offer'], ['ng delete', 'media delete']] as const) {
      const parentSpan = op(parent);
      const children = spans.filter((s) => s.name === ng && s.parentSpanContext?.spanId === parentSpan.spanContext().spanId);
      expect(children, ng).toHaveLength(1);
      expect(children[0]!.kind).toBe(2); // SpanKind.CLIENT
      expect(children[0]!.attributes['rpc.method']).toBe(ng.slice(3));
    }
    expect(spans.filter((s) => s.name === 'ng ping')).toEqual([]);
  });
});
