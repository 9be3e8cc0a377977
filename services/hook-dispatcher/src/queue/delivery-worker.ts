import { DelayedError, type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.js';
import { backoffStrategy } from '../delivery/backoff.js';
import { DeliveryFailure } from '../delivery/delivery-failure.js';
import { AttemptOutcome } from '../delivery/delivery-outcome.js';
import type { HostLimiter } from '../delivery/host-limiter.js';
import type { WebhookPoster } from '../delivery/post-webhook.js';
import { destinationHost, type StatusEnvelope } from '../envelope/status-envelope.js';
import { PBX_ERR_HOOK_STATE_CORRUPT } from '../errors.js';
import type { DispatcherMetrics } from '../observability/dispatcher-metrics.js';
import type { CallSequencer } from '../sequencer/call-sequencer.js';
import type { SequencerDecision } from '../sequencer/sequencer-decision.js';
import type { DeliveryJobData, ReplayDeliveryJob } from './delivery-job.js';
import type { DeliveryQueue } from './delivery-queue.js';

/** Collaborators of {@link DeliveryWorker}. */
export interface DeliveryWorkerDeps {
  redis: Redis;
  queue: DeliveryQueue;
  sequencer: CallSequencer;
  deadLetters: DeadLetterStore;
  poster: WebhookPoster;
  limiter: HostLimiter;
  metrics: DispatcherMetrics;
  logger: Logger;
}

/** Options of {@link DeliveryWorker}. */
export interface DeliveryWorkerOptions {
  queueName: string;
  keyPrefix: string;
  concurrency: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  lockDurationMs: number;
}

/** What a processed job came to (the BullMQ return value, handy in tests and logs). */
export type JobResult = 'delivered' | 'dead-lettered' | 'superseded';

/**
 * Runs delivery jobs: checks the call's turn with the sequencer, POSTs, and on a
 * final answer (2xx, non-retryable status, or last attempt) releases the call's
 * next event. Retryable failures are rethrown so BullMQ schedules the retry.
 */
export class DeliveryWorker {
  readonly worker: Worker<DeliveryJobData, JobResult>;

  constructor(
    private readonly deps: DeliveryWorkerDeps,
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.worker = new Worker<DeliveryJobData, JobResult>(options.queueName, (job, token) => this.process(job, token), {
      connection: deps.redis,
      prefix: `${options.keyPrefix}:bull`,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      // A stall is how a killed replica's jobs come back; never give up on one for that.
      maxStalledCount: 1000,
      settings: { backoffStrategy: backoffStrategy({ baseMs: options.backoffBaseMs, maxMs: options.backoffMaxMs }) },
    });
    this.worker.on('error', (err) => deps.logger.error({ err }, 'delivery worker error'));
    this.worker.on('failed', (job, err) => {
      if (!(err instanceof DeliveryFailure) && !(err instanceof DelayedError)) {
        deps.logger.error({ err, jobId: job?.id }, 'delivery job failed');
      }
    });
  }

  private async process(job: Job<DeliveryJobData, JobResult>, token?: string): Promise<JobResult> {
    if (job.data.kind === 'replay') return this.processReplay(job as Job<ReplayDeliveryJob, JobResult>, token);
    const data = job.data;
    const decision = await this.deps.sequencer.begin(data.callId, data.id, data.gen);
    if (decision.action !== 'go') {
      await this.follow(data.callId, decision);
      return 'superseded';
    }
    let envelope: StatusEnvelope;
    try {
      envelope = JSON.parse(decision.envelopeJson) as StatusEnvelope;
    } catch {
      throw new PBX_ERR_HOOK_STATE_CORRUPT(`envelope of ${data.id}`);
    }
    const result = await this.attempt(job, token, envelope);
    await this.follow(data.callId, await this.deps.sequencer.advance(data.callId, data.id, data.gen, envelope.seq));
    return result;
  }

  private async processReplay(job: Job<ReplayDeliveryJob, JobResult>, token?: string): Promise<JobResult> {
    const result = await this.attempt(job, token, job.data.envelope);
    if (result === 'delivered') await this.deps.deadLetters.remove(job.data.envelope.id);
    return result;
  }

  /** Acts on a sequencer decision: create or re-create the job it names. */
  private async follow(callId: string, decision: SequencerDecision): Promise<void> {
    if (decision.action === 'add') await this.deps.queue.addCall(callId, decision.id, decision.gen, decision.delayMs);
    else if (decision.action === 'kick') await this.deps.queue.addCall(callId, decision.id, decision.gen);
  }

  /** One delivery attempt; resolves with a final outcome or throws to retry. */
  private async attempt(job: Job<DeliveryJobData, JobResult>, token: string | undefined, env: StatusEnvelope) {
    const { limiter, poster, metrics, logger } = this.deps;
    const host = destinationHost(env.url);
    if (!limiter.tryAcquire(host)) {
      // The host has its share of slots: step aside without spending an attempt.
      await job.moveToDelayed(Date.now() + 50 + Math.floor(Math.random() * 200), token);
      throw new DelayedError();
    }
    const attempt = job.attemptsMade + 1;
    try {
      await poster.post(env, attempt);
      metrics.delivered.inc({ host });
      metrics.latency.observe({ host }, Math.max(0, Date.now() - Date.parse(env.createdAt)) / 1000);
      return 'delivered' as const;
    } catch (err) {
      if (!(err instanceof DeliveryFailure)) throw err;
      metrics.failedAttempts.inc({ host, reason: err.reason });
      const final = err.outcome === AttemptOutcome.Permanent || attempt >= this.options.maxAttempts;
      const log = { eventId: env.id, callId: env.callId, seq: env.seq, attempt, reason: err.reason };
      if (!final) {
        metrics.retried.inc({ host });
        logger.warn(log, 'statushook attempt failed; will retry');
        throw err;
      }
      await this.deps.deadLetters.put({
        envelope: env,
        attempts: attempt,
        reason: err.reason,
        status: err.status,
        error: err.message,
        deadLetteredAt: new Date().toISOString(),
        replays: 0,
      });
      metrics.deadLettered.inc({ host });
      logger.error({ ...log, code: 'PBX_ERR_HOOK_DEAD_LETTERED' }, 'statushook event dead-lettered');
      return 'dead-lettered' as const;
    } finally {
      limiter.release(host);
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}
