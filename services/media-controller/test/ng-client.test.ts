import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { NgClient, type NgOutcome } from '../src/ng/ng-client.js';
import { DEFAULT_ENGINE } from './support/harness.js';

// The ng wrapper against the shared RTPEngine, plus a UDP peer that answers
// too late (something a real engine does under overload).

const seen: [string, NgOutcome][] = [];
const stray: Error[] = [];
const ng = new NgClient(
  { timeoutMs: 300 },
  {
    observe: (command, outcome) => {
      seen.push([command, outcome]);
      throw new Error('a broken metrics hook is contained');
    },
    onStrayError: (err) => stray.push(err),
  },
);
afterAll(() => ng.close());

describe('NgClient', () => {
  it('resolves pong/ok replies and reports each round trip', async () => {
    await expect(ng.send(DEFAULT_ENGINE, 'ping')).resolves.toMatchObject({ result: 'pong' });
    expect(seen.at(-1)).toEqual(['ping', 'ok']);
  });

  it('turns result=error into PBX_ERR_MEDIA_ENGINE_REFUSED with the engine’s reason', async () => {
    const err = await ng.send(DEFAULT_ENGINE, 'query', { 'call-id': 'no-such-call-ng-test' }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'PBX_ERR_MEDIA_ENGINE_REFUSED' });
    expect((err as Error).message).toMatch(/127\.0\.0\.1:22222 refused "query": Unknown call-ID/i);
    expect(seen.at(-1)).toEqual(['query', 'error']);
  });

  it('fails with PBX_ERR_MEDIA_ENGINE_TIMEOUT instead of waiting, and survives a late reply', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const answered = new Set<string>();
    peer.on('message', (msg, from) => {
      const cookie = msg.subarray(0, msg.indexOf(' ')).toString();
      if (answered.has(cookie)) return; // a retransmission: one (late) answer per command
      answered.add(cookie);
      setTimeout(() => peer.send(Buffer.from(`${cookie} d6:result4:ponge`), from.port, from.address), 500);
    });
    try {
      const started = Date.now();
      await expect(ng.send({ host: '127.0.0.1', port: peer.address().port }, 'ping')).rejects.toMatchObject({
        code: 'PBX_ERR_MEDIA_ENGINE_TIMEOUT',
      });
      expect(Date.now() - started).toBeLessThan(1500);
      expect(seen.at(-1)).toEqual(['ping', 'timeout']);
      await new Promise((r) => setTimeout(r, 400));
      expect(stray.length).toBeGreaterThanOrEqual(1); // the late reply was reported, not thrown
    } finally {
      peer.close();
    }
  });

  it('sends an unanswered command again with the same cookie: a lost datagram costs a retransmission, not the call', async () => {
    // A relay in front of the real engine that drops the first copy of every request.
    const relay = createSocket('udp4');
    await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
    const copies = new Map<string, number>();
    const clients = new Map<string, { port: number; address: string }>();
    relay.on('message', (msg, from) => {
      if (from.port === DEFAULT_ENGINE.port) {
        const cookie = msg.subarray(0, msg.indexOf(' ')).toString();
        const to = clients.get(cookie);
        if (to) relay.send(msg, to.port, to.address);
        return;
      }
      const cookie = msg.subarray(0, msg.indexOf(' ')).toString();
      const n = (copies.get(cookie) ?? 0) + 1;
      copies.set(cookie, n);
      clients.set(cookie, from);
      if (n > 1) relay.send(msg, DEFAULT_ENGINE.port, DEFAULT_ENGINE.host);
    });
    const retransmitted: string[] = [];
    const lossy = new NgClient({ timeoutMs: 2000, retransmitMs: 100 }, { onRetransmit: (c) => retransmitted.push(c) });
    const callId = `ng-retransmit-${process.pid}-${Date.now()}`;
    const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 29990 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
    const engine = { host: '127.0.0.1', port: (relay.address()).port };
    try {
      const started = Date.now();
      const offer = await lossy.send(engine, 'offer', { 'call-id': callId, 'from-tag': 'a', sdp });
      expect(offer.result).toBe('ok');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(retransmitted).toEqual(['offer']);
      expect([...copies.values()]).toEqual([2]); // one cookie, sent twice
      // The engine held the call once: after one delete it knows nothing of it.
      await expect(lossy.send(engine, 'delete', { 'call-id': callId, 'delete-delay': 0 })).resolves.toMatchObject({ result: 'ok' });
      await expect(ng.send(DEFAULT_ENGINE, 'query', { 'call-id': callId })).rejects.toMatchObject({ code: 'PBX_ERR_MEDIA_ENGINE_REFUSED' });
      expect(lossy.pending).toBe(0);
    } finally {
      lossy.close();
      relay.close();
    }
  });

  it('fails what waits when closed', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const client = new NgClient({ timeoutMs: 5000 });
    try {
      const waiting = client.send({ host: '127.0.0.1', port: silent.address().port }, 'ping').catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 50));
      client.close();
      expect(await waiting).toMatchObject({ code: 'PBX_ERR_MEDIA_ENGINE_TIMEOUT' });
      await expect(client.send(DEFAULT_ENGINE, 'ping')).rejects.toMatchObject({ code: 'PBX_ERR_MEDIA_ENGINE_TIMEOUT' });
    } finally {
      silent.close();
    }
  });
});
