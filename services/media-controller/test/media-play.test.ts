import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulawRms } from './support/g711.js';
import { createHarness, type Harness, newCall, sleep } from './support/harness.js';
import { RtpEndpoint, type RtpPacket } from './support/rtp-endpoint.js';
import { PCMU, TELEPHONE_EVENT, audioSdp, sdpPort } from './support/sdp.js';
import { writeToneWav } from './support/wav.js';

// Playback and DTMF injection on a bridged PCMU call on the shared RTPEngine.
// Both phones send µ-law silence (0xFF) all along, so RTPEngine has an SSRC
// context per direction and anything loud at a phone came from the file.

const SILENCE = Buffer.alloc(160, 0xff);
let h: Harness;
let dir: string;
const endpoints: RtpEndpoint[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dragon-media-'));
  h = await createHarness();
  await h.startController();
});
afterAll(async () => {
  for (const e of endpoints) e.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A bridged call with RTP flowing both ways. */
async function bridgedCall() {
  const a = await RtpEndpoint.open();
  const b = await RtpEndpoint.open();
  endpoints.push(a, b);
  const call = newCall();
  const offered = await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(a.port, [PCMU, TELEPHONE_EVENT]) });
  const answered = await h.client.answer({ ...call, sdp: audioSdp(b.port, [PCMU, TELEPHONE_EVENT]) });
  a.startSending(sdpPort(answered.sdp), 0, () => SILENCE);
  b.startSending(sdpPort(offered.sdp), 0, () => SILENCE);
  await sleep(150);
  return { a, b, call };
}

const loud = (packets: readonly RtpPacket[]) => packets.filter((p) => p.payloadType === 0 && ulawRms(p.payload) > 1000);

describe('play media', () => {
  it('plays a WAV file to the party named by fromTag and reports its duration', async () => {
    const { a, b, call } = await bridgedCall();
    const file = join(dir, 'tone-1s.wav');
    writeToneWav(file, 1);
    const fromA = a.received.length;
    const fromB = b.received.length;
    const played = await h.client.play({ callId: call.callId, fromTag: call.fromTag, file });
    expect(played.durationMs).toBe(1000);
    await sleep(1300);
    const heardByA = loud(a.received.slice(fromA));
    // 1 s of 20 ms frames is 50; allow for scheduling jitter at both ends.
    expect(heardByA.length).toBeGreaterThanOrEqual(40);
    expect(Math.min(...heardByA.map((p) => ulawRms(p.payload)))).toBeGreaterThan(1000);
    expect(loud(b.received.slice(fromB))).toHaveLength(0);
    await h.client.delete({ callId: call.callId });
  });

  it('stops a playback early', async () => {
    const { a, call } = await bridgedCall();
    const file = join(dir, 'tone-5s.wav');
    writeToneWav(file, 5);
    const played = await h.client.play({ callId: call.callId, fromTag: call.fromTag, file });
    expect(played.durationMs).toBe(5000);
    await sleep(500);
    expect(loud(a.received).length).toBeGreaterThan(10);
    await expect(h.client.stop({ callId: call.callId, fromTag: call.fromTag })).resolves.toEqual({ ok: true });
    await sleep(200);
    const afterStop = a.received.length;
    await sleep(800);
    expect(loud(a.received.slice(afterStop))).toHaveLength(0);
    expect(a.received.length - afterStop).toBeGreaterThan(20); // the call itself still flows
    await h.client.delete({ callId: call.callId });
  });

  it('refuses a file RTPEngine cannot read, with the engine’s reason', async () => {
    const { call } = await bridgedCall();
    await expect(h.client.play({ callId: call.callId, fromTag: call.fromTag, file: join(dir, 'missing.wav') })).rejects.toMatchObject({
      remote: { code: 'PBX_ERR_MEDIA_ENGINE_REFUSED', message: expect.stringMatching(/play/i) },
    });
    await h.client.delete({ callId: call.callId });
  });
});

describe('early media announcement (docs/contract.md §4.1)', () => {
  it('plays to the caller before answer, with a placeholder send-only PCMU answer and no far end', async () => {
    const a = await RtpEndpoint.open();
    endpoints.push(a);
    const call = newCall();
    await h.client.offer({ callId: call.callId, fromTag: call.fromTag, sdp: audioSdp(a.port, [PCMU, TELEPHONE_EVENT]) });
    // What the call-router sends as the "answer" of the pseudo far end: PCMU, send-only, discard port.
    const placeholder = audioSdp(9, [PCMU]).replace('a=sendrecv', 'a=sendonly');
    const forCaller = await h.client.answer({ ...call, sdp: placeholder });
    expect(forCaller.sdp).toMatch(/^m=audio \d+ RTP\/AVP 0/m); // the 183's SDP
    const file = join(dir, 'early.wav');
    writeToneWav(file, 0.6);
    const played = await h.client.play({ callId: call.callId, fromTag: call.fromTag, file });
    expect(played.durationMs).toBe(600);
    await sleep(900);
    expect(loud(a.received).length).toBeGreaterThanOrEqual(20);
    await h.client.delete({ callId: call.callId });
  });
});

describe('DTMF injection', () => {
  it('injects digits as RFC 4733 telephone-events that the peer of fromTag receives, in order', async () => {
    const { a, b, call } = await bridgedCall();
    const fromA = a.received.length;
    const fromB = b.received.length;
    await expect(h.client.dtmf({ callId: call.callId, fromTag: call.fromTag, digits: '59#', durationMs: 100 })).resolves.toEqual({ ok: true });
    await sleep(1200);
    const events = b.received.slice(fromB).filter((p) => p.payloadType === 101);
    // RFC 4733 §2.3: byte 0 is the event code (# = 11), bit 0x80 of byte 1 the end flag.
    const codes = events.map((p) => p.payload[0]);
    expect([...new Set(codes)]).toEqual([5, 9, 11]);
    expect(events.filter((p) => (p.payload[1]! & 0x80) !== 0).map((p) => p.payload[0])).toEqual(expect.arrayContaining([5, 9, 11]));
    expect(a.received.slice(fromA).filter((p) => p.payloadType === 101)).toHaveLength(0);
    await h.client.delete({ callId: call.callId });
  });
});
