import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulawTone } from './support/g711.js';
import { createHarness, type Harness, newCall, sleep } from './support/harness.js';
import { RtpEndpoint } from './support/rtp-endpoint.js';
import { type RtpEngineProcess, startRtpEngine } from './support/rtpengine-process.js';
import { PCMU, audioSdp, sdpPort } from './support/sdp.js';

// An engine of our own (ng 26903, RTP 26300-26399) so the ports it allocates
// are ours to probe.

let h: Harness;
let engine: RtpEngineProcess;
const ENGINE = { host: '127.0.0.1', port: 26903 };

beforeAll(async () => {
  engine = await startRtpEngine({ ngPort: ENGINE.port, portMin: 26300, portMax: 26399 });
  h = await createHarness({ engines: [ENGINE] });
  await h.startController();
});
afterAll(async () => {
  await h?.close();
  await engine?.stop();
});

/** Can we bind this UDP port on 127.0.0.1 (i.e. nobody holds it)? */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('session lifecycle', () => {
  it('delete releases the engine’s RTP ports and the affinity entry; a second delete is harmless', async () => {
    const a = await RtpEndpoint.open();
    const b = await RtpEndpoint.open();
    try {
      const call = newCall();
      const offered = await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(a.port, [PCMU]) });
      const answered = await h.client.answer({ ...call, sdp: audioSdp(b.port, [PCMU]) });
      await a.send(sdpPort(answered.sdp), 0, 5, (i) => ulawTone(i * 160));
      const { parties } = await h.client.query({ callId: call.callId });
      const ports = parties.flatMap((p) => p.localPorts);
      expect(ports).toContain(sdpPort(offered.sdp));
      expect(ports).toContain(sdpPort(answered.sdp));
      for (const p of ports) {
        expect(p).toBeGreaterThanOrEqual(26300);
        expect(p).toBeLessThanOrEqual(26399);
        expect(await canBind(p)).toBe(false); // held by the engine while the call is up
      }

      await expect(h.client.delete({ callId: call.callId })).resolves.toEqual({ deleted: true });
      await sleep(100);
      for (const p of ports) expect(await canBind(p)).toBe(true);
      expect(await h.redis.exists(`${h.keyPrefix}media:engine:${call.callId}`)).toBe(0);
      await expect(h.client.query({ callId: call.callId })).rejects.toMatchObject({ remote: { code: 'PBX_ERR_MEDIA_CALL_UNKNOWN' } });
      await expect(h.client.delete({ callId: call.callId })).resolves.toEqual({ deleted: false });
    } finally {
      a.close();
      b.close();
    }
  });

  it('deleting one fork (fromTag + toTag) keeps the call and its other fork', async () => {
    const call = newCall();
    await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(40_100, [PCMU]) });
    await h.client.answer({ ...call, sdp: audioSdp(40_200, [PCMU]) });
    await expect(h.client.delete({ callId: call.callId, fromTag: call.fromTag, toTag: 'other-fork' })).resolves.toEqual({ deleted: true });
    expect(await h.redis.exists(`${h.keyPrefix}media:engine:${call.callId}`)).toBe(1);
    await expect(h.client.query({ callId: call.callId })).resolves.toMatchObject({ engine: '127.0.0.1:26903' });
    await h.client.delete({ callId: call.callId });
  });

  it('forks a call to a SIPREC subscriber and stops forking on unsubscribe', async () => {
    const a = await RtpEndpoint.open();
    const b = await RtpEndpoint.open();
    const srs = await RtpEndpoint.open();
    try {
      const call = newCall();
      const offered = await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(a.port, [PCMU]) });
      const answered = await h.client.answer({ ...call, sdp: audioSdp(b.port, [PCMU]) });
      const sub = await h.client.subscribe({ callId: call.callId, fromTags: [call.fromTag] });
      expect(sub.sdp).toMatch(/^m=audio \d+ RTP\/AVP 0\b/m);
      expect(sub.sdp).toMatch(/a=sendonly/);
      await expect(h.client.subscribeAnswer({ callId: call.callId, toTag: sub.toTag, sdp: audioSdp(srs.port, [PCMU]).replace('a=sendrecv', 'a=recvonly') })).resolves.toEqual({ ok: true });
      // A speaks; the recorder gets A's audio too.
      await a.send(sdpPort(answered.sdp), 0, 20, (i) => ulawTone(i * 160));
      await sleep(200);
      expect(b.ofType(0).length).toBeGreaterThanOrEqual(15);
      expect(srs.ofType(0).length).toBeGreaterThanOrEqual(15);
      await expect(h.client.unsubscribe({ callId: call.callId, toTag: sub.toTag })).resolves.toEqual({ ok: true });
      const before = srs.received.length;
      await a.send(sdpPort(answered.sdp), 0, 10, (i) => ulawTone(i * 160));
      await sleep(200);
      expect(srs.received.length).toBe(before);
      expect(sdpPort(offered.sdp)).toBeGreaterThan(0);
      await h.client.delete({ callId: call.callId });
    } finally {
      a.close();
      b.close();
      srs.close();
    }
  });
});
