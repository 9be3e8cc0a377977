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
    peer.on('message', (msg, from) => {
      const cookie = msg.subarray(0, msg.indexOf(' ')).toString();
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
});
