import { randomBytes } from 'node:crypto';
import { type JetStreamManager, type NatsConnection, StringCodec, connect, headers } from 'nats';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDurable } from '../src/nats/publish.js';
import { StreamPublisher } from '../src/nats/stream-publisher.js';
import { startTracing } from '../src/observability/start-tracing.js';

const sc = StringCodec();
let nc: NatsConnection;
let jsm: JetStreamManager;
const id = randomBytes(6).toString('hex');
const stream = `T_PUB_${id}`;
const root = `tpub${id}`;

beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${root}.s.>`], storage: 'memory' as never, duplicate_window: 60_000_000_000 });
});

afterAll(async () => {
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc?.drain();
});

describe('StreamPublisher', () => {
  it('stores each message and resolves with its PubAck, many at once, a repeated Nats-Msg-Id as a duplicate', async () => {
    const p = new StreamPublisher(nc);
    try {
      const acks = await Promise.all(
        Array.from({ length: 50 }, (_, i) => p.publish(`${root}.s.${i % 5}`, sc.encode(`m${i}`), { msgID: `${id}-${i}` })),
      );
      expect(acks.every((a) => a.stream === stream && !a.duplicate)).toBe(true);
      expect(new Set(acks.map((a) => a.seq)).size).toBe(50);
      const again = await p.publish(`${root}.s.0`, sc.encode('m0'), { msgID: `${id}-0` });
      expect(again.duplicate).toBe(true);
      expect((await jsm.streams.info(stream)).state.messages).toBe(50);
      // The message and its headers are what was published.
      const stored = await jsm.streams.getMessage(stream, { seq: acks[7]!.seq });
      expect(sc.decode(stored.data)).toBe('m7');
      expect(stored.header.get('Nats-Msg-Id')).toBe(`${id}-7`);
      expect(p.pending).toBe(0);
    } finally {
      p.close();
    }
  });

  it('works through publishDurable, keeping the caller headers', async () => {
    const p = new StreamPublisher(nc);
    try {
      const h = headers();
      h.set('X-Test', 'yes');
      const ack = await publishDurable(p, `${root}.s.hdr`, { a: 1 }, { headers: h, msgId: `${id}-hdr` });
      const stored = await jsm.streams.getMessage(stream, { seq: ack.seq });
      expect(stored.json()).toEqual({ a: 1 });
      expect(stored.header.get('X-Test')).toBe('yes');
    } finally {
      p.close();
    }
  });

  it('puts the active trace in the headers unless told the payload carries it (traceHeaders: false)', async () => {
    // As in a service: async context and W3C propagation (spans not exported).
    const tracing = startTracing({ serviceName: 'stream-publisher-test', env: {} });
    const p = new StreamPublisher(nc);
    const active = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    try {
      const [withTrace, without] = await context.with(active, () =>
        Promise.all([
          publishDurable(p, `${root}.s.tr`, { a: 1 }, { msgId: `${id}-tr1` }),
          publishDurable(p, `${root}.s.tr`, { a: 2 }, { msgId: `${id}-tr2`, traceHeaders: false }),
        ]),
      );
      const first = await jsm.streams.getMessage(stream, { seq: withTrace.seq });
      expect(first.header.get('traceparent')).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
      const second = await jsm.streams.getMessage(stream, { seq: without.seq });
      expect(second.header.get('traceparent')).toBe('');
      expect(second.header.get('Nats-Msg-Id')).toBe(`${id}-tr2`);
    } finally {
      p.close();
      await tracing.shutdown();
    }
  });

  it('rejects: no stream on the subject (fast), a refused message, no acknowledgement in time, closed', async () => {
    const p = new StreamPublisher(nc);
    try {
      const started = Date.now();
      await expect(p.publish(`${root}.nostream`, sc.encode('x'))).rejects.toMatchObject({ code: 'PBX_ERR_NATS_NO_RESPONDERS' });
      expect(Date.now() - started).toBeLessThan(1000);

      const expectOther = headers();
      expectOther.set('Nats-Expected-Stream', 'NOT_THIS_ONE');
      await expect(p.publish(`${root}.s.x`, sc.encode('x'), { headers: expectOther })).rejects.toMatchObject({
        code: 'PBX_ERR_NATS_REQUEST_FAILED',
        message: expect.stringContaining('stream refused the message'),
      });

      // A plain subscriber that never answers: the message is delivered, no acknowledgement comes.
      const silent = nc.subscribe(`${root}.silent`);
      await nc.flush();
      await expect(p.publish(`${root}.silent`, sc.encode('x'), { timeout: 300 })).rejects.toMatchObject({ code: 'PBX_ERR_NATS_TIMEOUT' });
      silent.unsubscribe();
      expect(p.pending).toBe(0);

      const waiting = new StreamPublisher(nc);
      const sub = nc.subscribe(`${root}.silent2`);
      await nc.flush();
      const late = waiting.publish(`${root}.silent2`, sc.encode('x'));
      waiting.close();
      await expect(late).rejects.toMatchObject({ code: 'PBX_ERR_NATS_REQUEST_FAILED', message: expect.stringContaining('closed') });
      await expect(waiting.publish(`${root}.s.y`, sc.encode('y'))).rejects.toMatchObject({ code: 'PBX_ERR_NATS_REQUEST_FAILED' });
      sub.unsubscribe();
    } finally {
      p.close();
    }
  });
});
