import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulawTone } from './support/g711.js';
import { createHarness, type Harness, newCall, sleep } from './support/harness.js';
import { RtpEndpoint } from './support/rtp-endpoint.js';
import { G722, PCMU, TELEPHONE_EVENT, audioSdp, sdpCodecs, sdpPort } from './support/sdp.js';

// Two test phones bridged through the shared RTPEngine (scripts/infra.sh), driven
// only through NATS → media-controller; RTP is checked at the packet level.

let h: Harness;
const endpoints: RtpEndpoint[] = [];

beforeAll(async () => {
  h = await createHarness();
  await h.startController();
});
afterAll(async () => {
  for (const e of endpoints) e.close();
  await h?.close();
});

async function phones(): Promise<[RtpEndpoint, RtpEndpoint]> {
  const a = await RtpEndpoint.open();
  const b = await RtpEndpoint.open();
  endpoints.push(a, b);
  return [a, b];
}

/** Waits until `check` holds or `ms` pass; the assertion after it says what failed. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(20);
}

describe('offer/answer through the media-controller', () => {
  it('bridges a PCMU↔PCMU call: both phones receive the other side’s PCMU packets', async () => {
    const [a, b] = await phones();
    const call = newCall();
    const offered = await h.client.offer({
      ...call,
      toTag: undefined,
      sdp: audioSdp(a.port, [PCMU, TELEPHONE_EVENT]),
      callerCodecs: ['PCMU'],
      destCodecs: ['PCMU'],
    });
    expect(offered.direct).toBe(false);
    expect(offered.engine).toBe('127.0.0.1:22222');
    expect(sdpCodecs(offered.sdp).get('PCMU')).toBe(0);
    const towardsB = sdpPort(offered.sdp);
    expect(towardsB).not.toBe(a.port);

    const answered = await h.client.answer({ ...call, sdp: audioSdp(b.port, [PCMU, TELEPHONE_EVENT]) });
    expect(sdpCodecs(answered.sdp).get('PCMU')).toBe(0);
    const towardsA = sdpPort(answered.sdp);

    await Promise.all([
      a.send(towardsA, 0, 25, (i) => ulawTone(i * 160)),
      b.send(towardsB, 0, 25, (i) => ulawTone(i * 160)),
    ]);
    await until(() => a.ofType(0).length >= 20 && b.ofType(0).length >= 20);
    expect(b.ofType(0).length).toBeGreaterThanOrEqual(20);
    expect(a.ofType(0).length).toBeGreaterThanOrEqual(20);
    expect(b.received.every((p) => p.payloadType === 0)).toBe(true);

    const q = await h.client.query({ callId: call.callId });
    expect(q.engine).toBe('127.0.0.1:22222');
    const byTag = new Map(q.parties.map((p) => [p.tag, p]));
    expect(byTag.get(call.fromTag)?.packets).toBeGreaterThanOrEqual(20);
    expect(byTag.get(call.toTag)?.packets).toBeGreaterThanOrEqual(20);

    await expect(h.client.delete({ callId: call.callId })).resolves.toEqual({ deleted: true });
  });

  it('keeps the caller-side port when the answer is given again with another endpoint (early media, then the callee)', async () => {
    // The call-router answers the caller's offer against a placeholder for a ringback 183, then
    // again with the callee's SDP in the 200: both must name the same port, or a phone that
    // keeps listening to the 183's source loses the call's audio (RTPEngine's `port latching`).
    const [a, b] = await phones();
    const call = newCall();
    await h.client.offer({ ...call, toTag: undefined, sdp: audioSdp(a.port, [PCMU]), callerCodecs: ['PCMU'], destCodecs: ['PCMU'] });
    const placeholder = ['v=0', 'o=- 0 0 IN IP4 0.0.0.0', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 9 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendonly', ''].join('\r\n');
    const early = await h.client.answer({ ...call, sdp: placeholder });
    const final = await h.client.answer({ ...call, sdp: audioSdp(b.port, [PCMU]) });
    expect(sdpPort(final.sdp)).toBe(sdpPort(early.sdp));
    await h.client.delete({ callId: call.callId });
  });

  it('transcodes PCMU↔G722: B is offered only G722 and receives PT 9, A receives PT 0', async () => {
    const [a, b] = await phones();
    const call = newCall();
    const offered = await h.client.offer({
      callId: call.callId,
      fromTag: call.fromTag,
      sdp: audioSdp(a.port, [PCMU]),
      callerCodecs: ['PCMU'],
      destCodecs: ['G722'],
    });
    const offeredCodecs = sdpCodecs(offered.sdp);
    expect(offeredCodecs.get('G722')).toBe(9);
    expect(offeredCodecs.has('PCMU')).toBe(false);
    // The caller had no telephone-event, so it is added for DTMF injection.
    expect(offeredCodecs.has('TELEPHONE-EVENT')).toBe(true);
    const answered = await h.client.answer({ ...call, sdp: audioSdp(b.port, [G722]) });
    const answeredCodecs = sdpCodecs(answered.sdp);
    expect(answeredCodecs.get('PCMU')).toBe(0);
    expect(answeredCodecs.has('G722')).toBe(false);

    await Promise.all([
      a.send(sdpPort(answered.sdp), 0, 30, (i) => ulawTone(i * 160)),
      b.send(sdpPort(offered.sdp), 9, 30, () => Buffer.alloc(160, 0xfa)),
    ]);
    await until(() => b.ofType(9).length >= 20 && a.ofType(0).length >= 20);
    expect(b.ofType(9).length).toBeGreaterThanOrEqual(20);
    expect(b.ofType(0)).toHaveLength(0);
    expect(a.ofType(0).length).toBeGreaterThanOrEqual(20);
    expect(a.ofType(9)).toHaveLength(0);
    await h.client.delete({ callId: call.callId });
  });

  it('passes the SDP through untouched for direct media, with no engine and no session', async () => {
    const call = newCall();
    const sdp = audioSdp(40000, [PCMU]);
    await expect(h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp, direct: true })).resolves.toEqual({
      sdp,
      engine: null,
      direct: true,
    });
    await expect(h.client.answer({ ...call, sdp, direct: true })).resolves.toEqual({ sdp, engine: null, direct: true });
    await expect(h.client.query({ callId: call.callId })).rejects.toMatchObject({
      remote: { code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' },
    });
  });
});
