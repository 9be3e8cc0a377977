import { encodeJson } from '@dragonpbx/shared/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, newCall } from './support/harness.js';
import { PCMU, audioSdp } from './support/sdp.js';

// Every malformed or impossible request gets one specific error code back;
// the controller keeps serving afterwards.

let h: Harness;
let metrics: Awaited<ReturnType<Harness['startController']>>['metrics'];

beforeAll(async () => {
  h = await createHarness();
  ({ metrics } = await h.startController());
});
afterAll(async () => {
  await h?.close();
});

/** Sends raw bytes and returns the decoded reply envelope. */
async function raw(op: string, data: Uint8Array): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const msg = await h.nc.request(`${h.subjectPrefix}.dragon.media.${op}`, data, { timeout: 3000 });
  return JSON.parse(new TextDecoder().decode(msg.data));
}

describe('bad requests', () => {
  it('answers non-JSON and schema violations with PBX_ERR_NATS_BAD_MESSAGE naming the field', async () => {
    expect(await raw('offer', new TextEncoder().encode('{not json'))).toMatchObject({ ok: false, error: { code: 'PBX_ERR_NATS_BAD_MESSAGE' } });
    const noSdp = await raw('offer', encodeJson({ callId: 'x', fromTag: 'y' }));
    expect(noSdp.error?.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
    expect(noSdp.error?.message).toMatch(/sdp/);
    const climb = await raw('play', encodeJson({ callId: 'x', fromTag: 'y', file: '/media/../etc/passwd' }));
    expect(climb.error?.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
    expect(climb.error?.message).toMatch(/file/);
    const digits = await raw('dtmf', encodeJson({ callId: 'x', fromTag: 'y', digits: '1;2' }));
    expect(digits.error?.code).toBe('PBX_ERR_NATS_BAD_MESSAGE');
  });

  it('answers operations on an unknown call with PBX_ERR_MEDIA_CALL_UNKNOWN, without asking an engine', async () => {
    const { callId, fromTag, toTag } = newCall();
    const sdp = audioSdp(40_000, [PCMU]);
    await expect(h.client.answer({ callId, fromTag, toTag, sdp })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' } });
    await expect(h.client.play({ callId, fromTag, file: '/tmp/x.wav' })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' } });
    await expect(h.client.dtmf({ callId, fromTag, digits: '1' })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' } });
    await expect(h.client.delete({ callId })).resolves.toEqual({ deleted: false });
  });

  it('passes the engine’s refusal on as PBX_ERR_MEDIA_ENGINE_REFUSED (unknown tag, DTMF before any RTP)', async () => {
    const { callId, fromTag, toTag } = newCall();
    await h.client.offer({ callId, fromTag, sdp: audioSdp(40_000, [PCMU]) });
    await h.client.answer({ callId, fromTag, toTag, sdp: audioSdp(40_002, [PCMU]) });
    await expect(h.client.stop({ callId, fromTag: 'no-such-tag' })).rejects.toMatchObject({
      remote: { code: 'PBX_ERR_MEDIA_ENGINE_REFUSED', message: expect.stringMatching(/tag/i) },
    });
    await expect(h.client.dtmf({ callId, fromTag, digits: '1' })).rejects.toMatchObject({
      remote: { code: 'PBX_ERR_MEDIA_ENGINE_REFUSED' },
    });
    await h.client.delete({ callId });
  });

  it('counts requests by operation and result, and records ng latency', async () => {
    const requests = (await metrics.requests.get()).values;
    const count = (op: string, result: string) => requests.find((v) => v.labels.op === op && v.labels.result === result)?.value ?? 0;
    expect(count('answer', 'PBX_ERR_MEDIA_CALL_UNKNOWN')).toBeGreaterThanOrEqual(1);
    expect(count('offer', 'ok')).toBeGreaterThanOrEqual(1);
    expect(count('stop', 'PBX_ERR_MEDIA_ENGINE_REFUSED')).toBe(1);
    const latency = (await metrics.ngLatency.get()).values;
    const offers = latency.find((v) => v.labels.command === 'offer' && v.labels.outcome === 'ok' && v.metricName?.endsWith('_count'));
    expect(offers?.value).toBeGreaterThanOrEqual(1);
  });
});
