import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookDispatcher } from '../src/dispatcher.js';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import {
  cleanup,
  connectNats,
  envelope,
  FAST,
  firstReceiptOrder,
  isolation,
  newRedis,
  quietDeps,
  waitFor,
} from './helpers/infra.js';
import { TestReceiver } from './helpers/receiver.js';

describe('receiver outages and slow receivers', () => {
  const iso = isolation();
  let redis: Redis;
  let nats: NatsConnection;
  let dispatcher: HookDispatcher;

  beforeAll(async () => {
    redis = newRedis();
    nats = await connectNats();
    dispatcher = new HookDispatcher(quietDeps(redis, nats), {
      ...iso,
      ...FAST,
      maxAttempts: 12,
      backoffMaxMs: 1000,
      concurrency: 8,
      hostConcurrency: 4,
    });
    await dispatcher.start();
  });

  afterAll(async () => {
    await dispatcher.stop();
    await cleanup(redis, nats, iso);
    await nats.close();
    redis.disconnect();
  });

  it('delivers every event, in order per call, once a receiver that was down comes back', async () => {
    const receiver = new TestReceiver();
    await receiver.start();
    const url = receiver.url();
    await receiver.stop(); // connection refused from now on
    const sent = [];
    for (let seq = 1; seq <= 5; seq++) {
      for (let c = 0; c < 4; c++) {
        const e = envelope(url, `down-${c}`, seq);
        sent.push(e);
        await publishStatusEvent(nats.jetstream(), e, { subjectPrefix: iso.subjectPrefix });
      }
    }
    await new Promise((r) => setTimeout(r, 2500));
    expect(receiver.received).toHaveLength(0);
    await receiver.start(); // same port
    await waitFor(() => receiver.ids().size === sent.length, 25_000);
    for (const [, seqs] of firstReceiptOrder(receiver.received)) expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(await dispatcher.deadLetters.count()).toBe(0);
    const failures = await dispatcher.metrics.failedAttempts.get();
    expect(failures.values.find((v) => v.labels.reason === 'ECONNREFUSED')?.value).toBeGreaterThanOrEqual(4);
    await receiver.stop();
  });

  it('keeps a fast receiver flowing while a slow one holds only its share of workers', async () => {
    const slow = new TestReceiver();
    const fast = new TestReceiver();
    slow.behaviour = () => ({ status: 200, delayMs: 1500 });
    await slow.start();
    await fast.start();
    const js = nats.jetstream();
    for (let c = 0; c < 12; c++) {
      await publishStatusEvent(js, envelope(slow.url(), `slow-${c}`, 1), { subjectPrefix: iso.subjectPrefix });
    }
    const t0 = Date.now();
    for (let c = 0; c < 8; c++) {
      await publishStatusEvent(js, envelope(fast.url(), `fast-${c}`, 1), { subjectPrefix: iso.subjectPrefix });
    }
    await waitFor(() => fast.received.length === 8, 10_000);
    // 12 slow calls at 1.5 s with 4 slots reach the slow host in three waves (0, 1.5, 3 s);
    // the fast host must not queue behind them.
    expect(slow.received.length).toBeLessThan(12);
    expect(Date.now() - t0).toBeLessThan(3000);
    // At most hostConcurrency (4) requests were ever open at the slow host at once.
    let maxOpen = 0;
    for (const r of slow.received) {
      const open = slow.received.filter((o) => o.at <= r.at && o.at + 1400 > r.at).length;
      maxOpen = Math.max(maxOpen, open);
    }
    expect(maxOpen).toBeLessThanOrEqual(4);
    await waitFor(() => slow.received.length === 12, 15_000);
    await slow.stop();
    await fast.stop();
  });
});
