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
});
