import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { callJobId, type DeliveryJobData } from './delivery-job.js';

/**
 * Extra BullMQ attempts beyond the delivery attempts, spent only when the
 * processor itself fails (e.g. Redis briefly unreachable) on what would be the
 * last delivery attempt, so an infrastructure hiccup cannot strand a call.
 */
export const INFRA_ATTEMPT_SLACK = 3;

/** Options of {@link DeliveryQueue}. */
export interface DeliveryQueueOptions {
  queueName: string;
  keyPrefix: string;
  maxAttempts: number;
}

/** The BullMQ queue of delivery jobs. Adding a call job is idempotent per (event id, generation). */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  private readonly jobOptions: JobsOptions;

  constructor(redis: Redis, options: DeliveryQueueOptions) {
    this.queue = new Queue<DeliveryJobData>(options.queueName, {
      connection: redis,
      prefix: `${options.keyPrefix}:bull`,
    });
    this.jobOptions = {
      attempts: options.maxAttempts + INFRA_ATTEMPT_SLACK,
      // Retries are BullMQ data: the worker's custom strategy adds jitter and honours Retry-After.
      backoff: { type: 'dragon' },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    };
  }

  async addCall(callId: string, id: string, gen: number, delayMs = 0, priorAttempts = 0): Promise<void> {
    await this.queue.add(
      'call',
      { kind: 'call', callId, id, gen, ...(priorAttempts > 0 ? { priorAttempts } : {}) },
      { ...this.jobOptions, jobId: callJobId(id, gen), delay: delayMs > 0 ? delayMs : undefined },
    );
  }

  /**
   * Adds many call jobs in one round trip (BullMQ `addBulk`, a MULTI of its add scripts).
   * Like {@link addCall}, idempotent per (event id, generation).
   */
  async addCalls(jobs: readonly { callId: string; id: string; gen: number; delayMs?: number }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: 'call',
        data: { kind: 'call' as const, callId: j.callId, id: j.id, gen: j.gen },
        opts: { ...this.jobOptions, jobId: callJobId(j.id, j.gen), delay: j.delayMs && j.delayMs > 0 ? j.delayMs : undefined },
      })),
    );
  }

  async addReplay(envelope: StatusEnvelope): Promise<string> {
    const jobId = `replay-${envelope.id}-${Date.now()}`;
    await this.queue.add('replay', { kind: 'replay', envelope }, { ...this.jobOptions, jobId });
    return jobId;
  }

  /** Jobs per state, for the queue-depth gauge. */
  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
