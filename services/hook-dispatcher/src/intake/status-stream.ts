import { ensureStream } from '@dragonpbx/shared/messaging';
import { AckPolicy, type ConsumerConfig, DeliverPolicy, type JetStreamManager, nanos } from 'nats';
import { MAX_ENVELOPE_BYTES } from '@dragonpbx/shared/contracts';

/** Default redelivery delay of an unacked status message, ms. */
export const STATUS_ACK_WAIT_MS = 30_000;

/** Names and limits of the status stream and its consumer. */
export interface StatusStreamSpec {
  stream: string;
  consumer: string;
  /** Subject filter, e.g. `dragon.status.>`. */
  subject: string;
  maxAgeMs: number;
  maxBytes: number;
  replicas: number;
  /** Redelivery delay for a message not acked in time, ms. @defaultValue 30000 */
  ackWaitMs?: number;
}

/**
 * Creates or updates the status stream and the durable consumer all replicas share.
 *
 * Why these settings: work-queue retention drops an event once a dispatcher has
 * acked it (i.e. it is safe in BullMQ), so the stream only holds the backlog;
 * `discard: new` makes a publish fail loudly when the backlog hits `maxBytes`
 * instead of silently dropping the oldest undelivered events; `Nats-Msg-Id`
 * de-duplication (2 min) absorbs publisher retries.
 */
export async function ensureStatusStream(
  jsm: JetStreamManager,
  spec: StatusStreamSpec,
): Promise<{ stream: 'created' | 'updated' | 'kept'; reason?: string }> {
  let outcome: { stream: 'created' | 'updated' | 'kept'; reason?: string };
  try {
    const r = await ensureStream(jsm, {
      name: spec.stream,
      subjects: [spec.subject],
      retention: 'workqueue',
      storage: 'file',
      discard: 'new',
      replicas: spec.replicas,
      limits: { maxAgeMs: spec.maxAgeMs, maxBytes: spec.maxBytes, maxMsgSize: MAX_ENVELOPE_BYTES + 4096, duplicateWindowMs: 120_000 },
    });
    outcome = { stream: r.outcome === 'created' ? 'created' : 'updated' };
  } catch (err) {
    // Someone created it differently (e.g. limits retention, which JetStream cannot change
    // in place). Consuming works the same either way, so keep it rather than refuse to start.
    if (!(await streamExists(jsm, spec.stream))) throw err;
    outcome = { stream: 'kept', reason: (err as Error).message };
  }
  const consumer: Partial<ConsumerConfig> = {
    durable_name: spec.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs ?? STATUS_ACK_WAIT_MS),
    // Never give up on an event: malformed ones are terminated explicitly instead.
    max_deliver: -1,
    max_ack_pending: 20_000,
    filter_subject: spec.subject,
  };
  try {
    await jsm.consumers.info(spec.stream, spec.consumer);
    await jsm.consumers.update(spec.stream, spec.consumer, {
      ack_wait: consumer.ack_wait,
      max_ack_pending: consumer.max_ack_pending,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(spec.stream, consumer);
  }
  return outcome;
}

async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number }; message?: string };
  return e?.code === '404' || e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014 || /not found/i.test(e?.message ?? '');
}
