import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { DispatcherOptions } from '../../src/config/dispatcher-options.js';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** Names unique to one test: stream, consumer, subject prefix, queue and Redis key prefix. */
export function isolation(): Partial<DispatcherOptions> & { tag: string } {
  const tag = `t${randomBytes(5).toString('hex')}`;
  return {
    tag,
    subjectPrefix: `test.${tag}`,
    streamName: `HOOKS_${tag}`,
    consumerName: `hd_${tag}`,
    queueName: `q_${tag}`,
    keyPrefix: `test:${tag}`,
  };
}

/** Fast settings so retries and take-overs happen within a test's time. */
export const FAST: Partial<DispatcherOptions> = {
  signingSecret: SECRET,
  backoffBaseMs: 200,
  backoffMaxMs: 5000,
  requestTimeoutMs: 1000,
  reorderWindowMs: 500,
  lockDurationMs: 2000,
  maxAttempts: 6,
  concurrency: 32,
  hostConcurrency: 8,
};

export function newRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export function connectNats(): Promise<NatsConnection> {
  return connect({ servers: NATS_URL });
}

export function quietDeps(redis: Redis, nats: NatsConnection) {
  return { redis, nats, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }), registry: new Registry() };
}

/** Deletes every key under `prefix` and the test's stream. */
export async function cleanup(redis: Redis, nats: NatsConnection, opts: Partial<DispatcherOptions>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await redis.scan(cursor, 'MATCH', `${opts.keyPrefix}:*`, 'COUNT', 1000)) as [string, string[]];
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  const jsm = await nats.jetstreamManager();
  await jsm.streams.delete(opts.streamName!).catch(() => undefined);
}

/** The end of a test file: stops its dispatcher and receiver, removes its keys and stream, closes the connections. */
export async function tearDown(t: {
  dispatcher: { stop(): Promise<void> };
  receiver: { stop(): Promise<void> };
  redis: Redis;
  nats: NatsConnection;
  iso: Partial<DispatcherOptions>;
}): Promise<void> {
  await t.dispatcher.stop();
  await t.receiver.stop();
  await cleanup(t.redis, t.nats, t.iso);
  await t.nats.close();
  t.redis.disconnect();
}

let counter = 0;

/** A StatusHook event envelope for call `callId`, event number `seq`. */
export function envelope(url: string, callId: string, seq: number, extra: Partial<StatusEnvelope> = {}): StatusEnvelope {
  counter += 1;
  const createdAt = new Date().toISOString();
  return {
    id: randomUUID(),
    callId,
    seq,
    url,
    createdAt,
    body: { callId, event: 'connect:trying', seq, timestamp: createdAt, domain: 'example.com', n: counter },
    ...extra,
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Per call, the seq of each first receipt of a webhook-id, in arrival order. */
export function firstReceiptOrder(received: { id: string; body: Record<string, unknown> }[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byCall = new Map<string, number[]>();
  for (const r of received) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const callId = String(r.body.callId);
    const list = byCall.get(callId) ?? [];
    list.push(Number(r.body.seq));
    byCall.set(callId, list);
  }
  return byCall;
}
