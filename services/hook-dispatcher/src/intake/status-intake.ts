import type { ConsumerMessages, JetStreamClient, JsMsg } from 'nats';
import type { Logger } from 'pino';
import { decodeStatusEnvelope } from '../envelope/status-envelope.js';
import { PBX_ERR_HOOK_EVENT_INVALID } from '../errors.js';
import type { DispatcherMetrics } from '../observability/dispatcher-metrics.js';
import type { DeliveryQueue } from '../queue/delivery-queue.js';
import type { CallSequencer } from '../sequencer/call-sequencer.js';

/** Collaborators of {@link StatusIntake}. */
export interface StatusIntakeDeps {
  js: JetStreamClient;
  sequencer: CallSequencer;
  queue: DeliveryQueue;
  metrics: DispatcherMetrics;
  logger: Logger;
}

/**
 * Moves events from the JetStream consumer into Redis/BullMQ. A message is acked
 * only after its event is staged in the sequencer and, when it is the call's next
 * one, its job exists: a replica killed before the ack gets the message
 * redelivered, and staging is idempotent per event id.
 */
export class StatusIntake {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private running = false;

  constructor(
    private readonly deps: StatusIntakeDeps,
    private readonly spec: { stream: string; consumer: string; concurrency: number },
  ) {}

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
      const p = this.handle(m).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
      if (this.inflight.size >= this.spec.concurrency) await Promise.race(this.inflight);
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const { sequencer, queue, metrics, logger } = this.deps;
    let envelope: ReturnType<typeof decodeStatusEnvelope>;
    try {
      envelope = decodeStatusEnvelope(m.data);
    } catch (err) {
      // Redelivering a malformed event cannot fix it: terminate it and say why.
      metrics.intakeInvalid.inc();
      const code = err instanceof PBX_ERR_HOOK_EVENT_INVALID ? PBX_ERR_HOOK_EVENT_INVALID.code : 'unknown';
      logger.warn({ code, subject: m.subject, seq: m.seq, err: (err as Error).message }, 'status event rejected');
      m.term();
      return;
    }
    if (!envelope.traceparent) {
      // Publishers using the shared NATS helpers carry the call's trace in message headers instead.
      const tp = m.headers?.get('traceparent');
      if (tp && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(tp)) envelope.traceparent = tp;
    }
    try {
      const d = await sequencer.stage(envelope.callId, envelope.id, envelope.seq, JSON.stringify(envelope));
      if (d.action === 'add') await queue.addCall(envelope.callId, d.id, d.gen, d.delayMs);
      else if (d.action === 'kick') await queue.addCall(envelope.callId, d.id, d.gen);
      m.ack();
    } catch (err) {
      logger.error({ err, eventId: envelope.id }, 'staging status event failed; will be redelivered');
      m.nak(1000);
    }
  }

  /** Stops taking messages and waits for those being staged. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
  }
}
