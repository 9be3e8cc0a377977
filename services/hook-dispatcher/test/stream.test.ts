import { type NatsConnection, RetentionPolicy } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStatusStream } from '../src/intake/status-stream.js';
import { connectNats, isolation } from './helpers/infra.js';

describe('status stream and consumer', () => {
  const iso = isolation();
  let nats: NatsConnection;
  const spec = () => ({
    stream: iso.streamName!,
    consumer: iso.consumerName!,
    subject: `${iso.subjectPrefix}.dragon.status.>`,
    maxAgeMs: 3_600_000,
    maxBytes: 64 * 1024 * 1024,
    replicas: 1,
  });

  beforeAll(async () => {
    nats = await connectNats();
  });

  afterAll(async () => {
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(iso.streamName!).catch(() => undefined);
    await nats.close();
  });

  it('creates a work-queue stream with the documented limits, then is idempotent', async () => {
    const jsm = await nats.jetstreamManager();
    expect(await ensureStatusStream(jsm, spec())).toEqual({ stream: 'created' });
    const info = await jsm.streams.info(iso.streamName!);
    expect(info.config).toMatchObject({
      retention: RetentionPolicy.Workqueue,
      discard: 'new',
      max_bytes: 64 * 1024 * 1024,
      max_age: 3_600_000 * 1_000_000,
      subjects: [`${iso.subjectPrefix}.dragon.status.>`],
    });
    const consumer = await jsm.consumers.info(iso.streamName!, iso.consumerName!);
    expect(consumer.config).toMatchObject({ ack_policy: 'explicit', max_deliver: -1 });
    expect(await ensureStatusStream(jsm, spec())).toEqual({ stream: 'updated' });
  });

  it('keeps a stream someone created with another retention instead of failing', async () => {
    const jsm = await nats.jetstreamManager();
    await jsm.streams.delete(iso.streamName!);
    await jsm.streams.add({ name: iso.streamName!, subjects: [spec().subject], retention: RetentionPolicy.Limits });
    const out = await ensureStatusStream(jsm, spec());
    expect(out.stream).toBe('kept');
    expect(out.reason).toBeTruthy();
    expect((await jsm.consumers.info(iso.streamName!, iso.consumerName!)).name).toBe(iso.consumerName);
  });
});
