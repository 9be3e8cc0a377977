import type { ConsumerMessages, JetStreamClient, JsMsg } from 'nats';
import type { Logger } from 'pino';
import { decodeStatusEnvelopeText, PBX_ERR_HOOK_EVENT_INVALID, type StatusEnvelope } from '@dragonpbx/shared/contracts';
import { isTraceparent, TRACEPARENT_HEADER } from '@dragonpbx/shared/platform';
import type { DispatcherMetrics } from '../observability/dispatcher-metrics.js';
import type { DeliveryQueue } from '../queue/delivery-queue.js';
import { callJobId } from '../queue/delivery-job.js';
import type { CallSequencer } from '../sequencer/call-sequencer.js';

/** Collaborators of {@link StatusIntake}. */
export interface StatusIntakeDeps {
  js: JetStreamClient;
  sequencer: CallSequencer;
  queue: DeliveryQueue;
  metrics: DispatcherMetrics;
  logger: Logger;
  /**
   * Delivers a just-staged event that is its call's head without a BullMQ job (see
   * `DeliveryWorker.deliverStaged`); false when its host is busy. Unset: every event gets a job.
   */
  deliverStaged?: (envelope: StatusEnvelope, gen: number) => Promise<boolean>;
}

/** Options of {@link StatusIntake}. */
export interface StatusIntakeSpec {
  stream: string;
  consumer: string;
  /** Messages being staged at once (all batches together). */
  concurrency: number;
  /** Most messages staged in one batch. @defaultValue 256 */
  batchSize?: number;
}


/** A decoded message of a batch. */
interface Staged {
  m: JsMsg;
  envelope: StatusEnvelope;
  json: string;
}

/**
 * Moves events from the JetStream consumer into Redis/BullMQ, in batches: the
 * messages that have arrived by the end of the current turn of the event loop
 * (at most `batchSize`) are decoded, staged in the sequencer with one pipelined
 * round trip, the jobs the sequencer asks for are added with one `addBulk`, and
 * only then are the messages acked. A replica killed before the ack gets the
 * messages redelivered, and staging is idempotent per event id (a redelivered
 * event that is in flight re-adds its job).
 */
export class StatusIntake {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private inflightMessages = 0;
  private pending: JsMsg[] = [];
  private flushScheduled = false;
  private running = false;
  private readonly batchSize: number;

  constructor(
    private readonly deps: StatusIntakeDeps,
    private readonly spec: StatusIntakeSpec,
  ) {
    this.batchSize = Math.max(1, Math.min(spec.batchSize ?? 256, spec.concurrency));
  }

  async start(): Promise<void> {
    const consumer = await this.deps.js.consumers.get(this.spec.stream, this.spec.consumer);
    this.messages = await consumer.consume({ max_messages: Math.max(64, this.spec.concurrency * 2) });
    this.running = true;
    this.loop = this.run(this.messages)
      .catch((err) => this.deps.logger.error({ err }, 'status consumer failed'))
      .finally(() => {
        this.running = false;
      });
  }

  /** True while the consumer loop runs (readiness). */
  get isRunning(): boolean {
    return this.running;
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      this.pending.push(m);
      if (this.pending.length >= this.batchSize) this.flush();
      else if (!this.flushScheduled) {
        // Whatever else the consumer has buffered arrives in this turn: stage it together.
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
      while (this.inflightMessages >= this.spec.concurrency && this.inflight.size > 0) await Promise.race(this.inflight);
    }
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.inflightMessages += batch.length;
    const p = this.handleBatch(batch).finally(() => {
      this.inflight.delete(p);
      this.inflightMessages -= batch.length;
    });
    this.inflight.add(p);
  }

  private async handleBatch(batch: JsMsg[]): Promise<void> {
    const { sequencer, queue, logger } = this.deps;
    const staged: Staged[] = [];
    for (const m of batch) {
      const s = this.decode(m);
      if (s) staged.push(s);
    }
    if (staged.length === 0) return;
    let decisions: Awaited<ReturnType<CallSequencer['stageMany']>>;
    try {
      decisions = await sequencer.stageMany(
        staged.map((s) => ({ callId: s.envelope.callId, id: s.envelope.id, seq: s.envelope.seq, envelopeJson: s.json })),
      );
    } catch (err) {
      logger.error({ err, events: staged.length }, 'staging status events failed; will be redelivered');
      for (const s of staged) s.m.nak(1000);
      return;
    }
    const jobs = new Map<string, { callId: string; id: string; gen: number; delayMs?: number }>();
    const ok: JsMsg[] = [];
    const direct: { s: Staged; gen: number }[] = [];
    for (let i = 0; i < staged.length; i++) {
      const s = staged[i]!;
      const d = decisions[i]!;
      if (d instanceof Error) {
        logger.error({ err: d, eventId: s.envelope.id }, 'staging status event failed; will be redelivered');
        s.m.nak(1000);
        continue;
      }
      if (this.deps.deliverStaged && d.action === 'add' && d.delayMs === 0 && d.id === s.envelope.id) {
        // This very event is its call's head: deliver it now, ack after.
        direct.push({ s, gen: d.gen });
        continue;
      }
      if (d.action === 'add' || d.action === 'kick') {
        const delayMs = d.action === 'add' ? d.delayMs : 0;
        jobs.set(callJobId(d.id, d.gen), { callId: s.envelope.callId, id: d.id, gen: d.gen, delayMs });
      }
      ok.push(s.m);
    }
    // A copy of an event delivered directly in this batch asks to re-add its job: it has none on purpose.
    for (const { s, gen } of direct) jobs.delete(callJobId(s.envelope.id, gen));
    try {
      await queue.addCalls([...jobs.values()]);
    } catch (err) {
      // Staged but without their jobs: a redelivered event that is in flight re-adds its job.
      logger.error({ err, events: ok.length }, 'queueing status events failed; will be redelivered');
      for (const m of ok) m.nak(1000);
      for (const { s } of direct) s.m.nak(1000);
      return;
    }
    for (const m of ok) m.ack();
    if (direct.length > 0) await Promise.all(direct.map(({ s, gen }) => this.deliverDirect(s, gen)));
  }

  /** Delivers a staged head event at once (or queues its job when its host is busy), then acks. */
  private async deliverDirect(s: Staged, gen: number): Promise<void> {
    try {
      if (!(await this.deps.deliverStaged!(s.envelope, gen))) {
        await this.deps.queue.addCall(s.envelope.callId, s.envelope.id, gen);
      }
      s.m.ack();
    } catch (err) {
      // In flight with no job: the redelivered message re-adds it.
      this.deps.logger.error({ err, eventId: s.envelope.id }, 'delivering status event failed; will be redelivered');
      s.m.nak(1000);
    }
  }

  /** Decodes one message; a malformed one is terminated, counted and logged, and yields nothing. */
  private decode(m: JsMsg): Staged | undefined {
    let decoded: ReturnType<typeof decodeStatusEnvelopeText>;
    try {
      decoded = decodeStatusEnvelopeText(m.data);
    } catch (err) {
      // Redelivering a malformed event cannot fix it: terminate it and say why.
      this.deps.metrics.intakeInvalid.inc();
      const code = err instanceof PBX_ERR_HOOK_EVENT_INVALID ? PBX_ERR_HOOK_EVENT_INVALID.code : 'unknown';
      this.deps.logger.warn({ code, subject: m.subject, seq: m.seq, err: (err as Error).message }, 'status event rejected');
      m.term();
      return undefined;
    }
    let { envelope, json } = decoded;
    if (!envelope.traceparent) {
      // Publishers using the shared NATS helpers carry the call's trace in message headers instead.
      const tp = m.headers?.get(TRACEPARENT_HEADER);
      if (isTraceparent(tp)) {
        envelope.traceparent = tp;
        json = JSON.stringify(envelope);
      }
    }
    return { m, envelope, json };
  }

  /** Stops taking messages and waits for those being staged. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => undefined);
    this.flush();
    await Promise.allSettled([...this.inflight]);
  }
}
