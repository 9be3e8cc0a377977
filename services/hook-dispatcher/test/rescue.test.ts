import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookDispatcher } from '../src/dispatcher.js';
import { publishStatusEvent } from '../src/publish-status-event.js';
import { CallSequencer } from '../src/sequencer/call-sequencer.js';
import { connectNats, envelope, FAST, isolation, newRedis, quietDeps, tearDown, waitFor } from './helpers/infra.js';
import { TestReceiver } from './helpers/receiver.js';

describe('a call job that fails internally on every attempt', () => {
  const iso = isolation();
  const receiver = new TestReceiver();
  const logs: { code?: string; msg?: string }[] = [];
  let redis: Redis;
  let nats: NatsConnection;
  let dispatcher: HookDispatcher;

  beforeAll(async () => {
    redis = newRedis();
    nats = await connectNats();
    await receiver.start();
    const logger = pino({ level: 'error' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    dispatcher = new HookDispatcher({ ...quietDeps(redis, nats), logger }, { ...iso, ...FAST, maxAttempts: 1 });
    await dispatcher.start();
  });

  afterAll(async () => {
    await tearDown({ dispatcher, receiver, redis, nats, iso });
  });

  it('is dropped with a coded log line and the call’s next event is still delivered', async () => {
    // seq 1 is staged with an unreadable envelope, as a corrupted Redis value would be.
    const sequencer = new CallSequencer(redis, { keyPrefix: iso.keyPrefix!, reorderWindowMs: 500, ttlSec: 60 });
    const d = await sequencer.stage('corrupt-call', 'broken1', 1, '{not json');
    expect(d).toMatchObject({ action: 'add', id: 'broken1' });
    if (d.action !== 'add') throw new Error('unreachable');
    await dispatcher.queue.addCall('corrupt-call', d.id, d.gen);
    const next = envelope(receiver.url(), 'corrupt-call', 2);
    await publishStatusEvent(nats.jetstream(), next, { subjectPrefix: iso.subjectPrefix });

    await waitFor(() => receiver.ids().has(next.id), 25_000);
    expect(receiver.received.map((r) => r.id)).toEqual([next.id]);
    expect(logs.some((l) => l.code === 'PBX_ERR_HOOK_STATE_CORRUPT' && l.msg === 'event dropped')).toBe(true);
  });
});
