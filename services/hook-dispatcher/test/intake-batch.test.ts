import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { ensureStatusStream } from '../src/intake/status-stream.js';
import { publishStatusEvent } from '@dragonpbx/shared/messaging';
import { DeliveryQueue } from '../src/queue/delivery-queue.js';
import { CallSequencer } from '../src/sequencer/call-sequencer.js';
import { useDispatcher } from './helpers/dispatcher-fixture.js';
import { envelope, firstReceiptOrder, waitFor } from './helpers/infra.js';

describe('batch intake (real NATS, Redis, HTTP)', () => {
  const logs: { code?: string; msg?: string; subject?: string; err?: string }[] = [];
  // Started by the first test, once a backlog is in the stream.
  const t = useDispatcher({
    logger: pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    start: false,
  });
  const { iso, receiver } = t;
  afterAll(() => vi.restoreAllMocks());

  it('terminates malformed messages of a batch with a coded log line and delivers the rest of it', async () => {
    // The backlog is in the stream before the dispatcher starts, so it is staged in batches.
    const jsm = await t.nats.jetstreamManager();
    await ensureStatusStream(jsm, {
      stream: iso.streamName!,
      consumer: iso.consumerName!,
      subject: t.dispatcher.subject,
      maxAgeMs: 3_600_000,
      maxBytes: 64 * 1024 * 1024,
      replicas: 1,
    });
    const js = t.nats.jetstream();
    const badSubject = `${iso.subjectPrefix}.dragon.status.example%2Ecom.bad`;
    const good: StatusEnvelope[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      for (const call of ['batch-a@host', 'batch-b@host']) {
        const e = envelope(receiver.url(), call, seq);
        good.push(e);
        await publishStatusEvent(js, e, { subjectPrefix: iso.subjectPrefix });
      }
      if (seq === 1) await js.publish(badSubject, new TextEncoder().encode('{"id":"x:y"}'));
      if (seq === 2) await js.publish(badSubject, new TextEncoder().encode('not json'));
    }
    // The same event published again past the stream's de-duplication (another message id).
    await js.publish(`${iso.subjectPrefix}.dragon.status.example%2Ecom.dup`, new TextEncoder().encode(JSON.stringify(good[0])), {
      msgID: `again-${good[0]!.id}`,
    });
    const stageMany = vi.spyOn(CallSequencer.prototype, 'stageMany');
    await t.dispatcher.start();

    await waitFor(() => good.every((e) => receiver.ids().has(e.id)));
    await new Promise((r) => setTimeout(r, 300));
    // Each delivered once: the copy staged in the same batch did not queue a second delivery.
    expect(receiver.received).toHaveLength(good.length);
    for (const [, seqs] of firstReceiptOrder(receiver.received)) expect(seqs).toEqual([1, 2, 3]);
    // Good events published on both sides of a malformed one were staged in one batch.
    const batches = stageMany.mock.calls.map(([events]) => events.map((e) => e.id));
    expect(batches.some((ids) => ids.includes(good[0]!.id) && ids.includes(good[good.length - 1]!.id))).toBe(true);

    const rejected = logs.filter((l) => l.msg === 'status event rejected');
    expect(rejected).toHaveLength(2);
    for (const l of rejected) {
      expect(l.code).toBe('PBX_ERR_HOOK_EVENT_INVALID');
      expect(l.subject).toBe(badSubject);
    }
    expect(rejected.map((l) => l.err)).toEqual([expect.stringContaining('/id'), expect.stringContaining('not JSON')]);
    expect(await t.deps.registry.getSingleMetricAsString('dragon_hook_intake_invalid_total')).toMatch(/ 2$/);
    // Everything was acked or terminated: nothing left in the work-queue stream.
    await waitFor(async () => (await jsm.streams.info(iso.streamName!)).state.messages === 0);
    const consumer = await jsm.consumers.info(iso.streamName!, iso.consumerName!);
    expect(consumer.num_ack_pending).toBe(0);
  });

  it('delivers an event that finds its call idle without a BullMQ job', async () => {
    const addCall = vi.spyOn(DeliveryQueue.prototype, 'addCall');
    const addCalls = vi.spyOn(DeliveryQueue.prototype, 'addCalls');
    const e = envelope(receiver.url(), 'direct-a@host', 1);
    await publishStatusEvent(t.nats.jetstream(), e, { subjectPrefix: iso.subjectPrefix });
    await waitFor(() => receiver.ids().has(e.id));
    const queued = [
      ...addCall.mock.calls.map((c) => c[1]),
      ...addCalls.mock.calls.flatMap(([jobs]) => jobs.map((j) => j.id)),
    ];
    expect(queued).not.toContain(e.id);
    // And the call's state moved on: the same event redelivered is recognised as done.
    const sequencer = new CallSequencer(t.redis, { keyPrefix: iso.keyPrefix!, reorderWindowMs: 500, ttlSec: 60 });
    expect(await sequencer.stage(e.callId, e.id, 1, JSON.stringify(e))).toEqual({ action: 'done' });
  });

  it('lets an event wait briefly for a slot of a busy host instead of giving it a BullMQ job', async () => {
    // FAST: 8 slots per host, 4 of them for events the intake delivers itself. Eight idle calls
    // at once against a slow receiver: four go at once, four wait for those slots.
    const addCall = vi.spyOn(DeliveryQueue.prototype, 'addCall');
    const addCalls = vi.spyOn(DeliveryQueue.prototype, 'addCalls');
    let inFlight = 0;
    let most = 0;
    receiver.behaviour = () => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => inFlight--, 150);
      return { status: 200, delayMs: 150 };
    };
    try {
      const burst = Array.from({ length: 8 }, (_, i) => envelope(receiver.url(), `busy-${i}@host`, 1));
      await Promise.all(burst.map((e) => publishStatusEvent(t.nats.jetstream(), e, { subjectPrefix: iso.subjectPrefix })));
      await waitFor(() => burst.every((e) => receiver.ids().has(e.id)));
      const queued = new Set([
        ...addCall.mock.calls.map((c) => c[1]),
        ...addCalls.mock.calls.flatMap(([jobs]) => jobs.map((j) => j.id)),
      ]);
      expect(burst.filter((e) => queued.has(e.id))).toEqual([]);
      expect(most).toBeLessThanOrEqual(4);
    } finally {
      receiver.behaviour = () => ({ status: 200 });
    }
  });

  it('re-adds the job of an event staged by a replica that died before delivering it', async () => {
    // A replica staged the event (now in flight, no job) and was killed before the ack: the
    // message comes again and must not be stuck behind the orphaned in-flight state.
    const e = envelope(receiver.url(), 'orphan-a@host', 1);
    const sequencer = new CallSequencer(t.redis, { keyPrefix: iso.keyPrefix!, reorderWindowMs: 500, ttlSec: 60 });
    expect(await sequencer.stage(e.callId, e.id, 1, JSON.stringify(e))).toMatchObject({ action: 'add', id: e.id });
    await publishStatusEvent(t.nats.jetstream(), e, { subjectPrefix: iso.subjectPrefix });
    await waitFor(() => receiver.ids().has(e.id));
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.filter((r) => r.id === e.id)).toHaveLength(1);
  });
});

describe('direct delivery with one slot per host (real NATS, Redis, HTTP)', () => {
  const t = useDispatcher({ options: { hostConcurrency: 1 } });
  const { iso, receiver } = t;
  afterAll(() => vi.restoreAllMocks());

  it('does not wait for the only slot (jobs need it too): a second idle call gets a job', async () => {
    const addCall = vi.spyOn(DeliveryQueue.prototype, 'addCall');
    receiver.behaviour = () => ({ status: 200, delayMs: 300 });
    try {
      const [a, b] = [envelope(receiver.url(), 'one-slot-a@host', 1), envelope(receiver.url(), 'one-slot-b@host', 1)];
      await Promise.all([a, b].map((e) => publishStatusEvent(t.nats.jetstream(), e, { subjectPrefix: iso.subjectPrefix })));
      await waitFor(() => receiver.ids().has(a.id) && receiver.ids().has(b.id));
      // Whichever came second found the slot taken and was handed to BullMQ at once.
      expect(addCall.mock.calls.map((c) => c[1]).filter((id) => id === a.id || id === b.id)).toHaveLength(1);
    } finally {
      receiver.behaviour = () => ({ status: 200 });
    }
  });
});
