import { DelayedError, type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.js';
import { backoffStrategy } from '../delivery/backoff.js';
import { DeliveryFailure } from '../delivery/delivery-failure.js';
import { AttemptOutcome } from '../delivery/delivery-outcome.js';
import type { HostLimiter } from '../delivery/host-limiter.js';
import type { StatusHookPoster } from '../delivery/post-webhook.js';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { destinationHost } from '../envelope/destination-host.js';
import { PBX_ERR_HOOK_STATE_CORRUPT } from '../errors.js';
import type { DispatcherMetrics } from '../observability/dispatcher-metrics.js';
import type { CallSequencer } from '../sequencer/call-sequencer.js';
import type { SequencerDecision } from '../sequencer/sequencer-decision.js';
import type { CallDeliveryJob, DeliveryJobData, ReplayDeliveryJob } from './delivery-job.js';
import type { DeliveryQueue } from './delivery-queue.js';

/** Collaborators of {@link DeliveryWorker}. */
export interface DeliveryWorkerDeps {
  redis: Redis;
  queue: DeliveryQueue;
  sequencer: CallSequencer;
  deadLetters: DeadLetterStore;
  poster: StatusHookPoster;
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

/** Most events of one call a job delivers inline after its own (fairness to other calls). */
const MAX_INLINE_CHAIN = 32;
/** How long an event the intake delivers itself may wait for a slot of its host before it becomes a job. */
const DIRECT_SLOT_WAIT_MS = 500;

function parseEnvelope(json: string, id: string): StatusEnvelope {
  try {
    return JSON.parse(json) as StatusEnvelope;
  } catch {
    throw new PBX_ERR_HOOK_STATE_CORRUPT(`envelope of ${id}`);
  }
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
  /** Events being delivered by the intake itself right now (they have no BullMQ job). */
  #direct = 0;
  private readonly perHost = new Map<
    string,
    { delivered: { inc(): void }; latency: { observe(v: number): void } }
  >();

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
      if (err instanceof DeliveryFailure || err instanceof DelayedError) return;
      deps.logger.error({ err, jobId: job?.id }, 'delivery job failed');
      if (job && job.data.kind === 'call' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        void this.rescue(job.data, err).catch((e) =>
          deps.logger.error({ err: e, eventId: job.data.kind === 'call' ? job.data.id : undefined }, 'rescue failed'),
        );
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
    const envelope = parseEnvelope(decision.envelopeJson, data.id);
    const result = await this.attempt(job, token, envelope);
    const next = await this.deps.sequencer.advance(data.callId, data.id, data.gen, envelope.seq, true);
    await this.follow(data.callId, await this.chain(data.callId, next));
    return result;
  }

  /**
   * Delivers the call's following events inline while they are ready, saving a
   * BullMQ round trip per event. The first failure (or a busy host) hands the
   * event to its own job, which then follows the normal retry schedule. A crash
   * here is healed like any other: this job is re-run, finds the call advanced,
   * and re-adds the in-flight event's job.
   */
  private async chain(callId: string, first: SequencerDecision): Promise<SequencerDecision> {
    let next = first;
    for (let i = 0; i < MAX_INLINE_CHAIN && next.action === 'claimed'; i++) {
      // Claimed by the advance that produced it: already begun, no separate begin call.
      const { id, gen } = next;
      const env = parseEnvelope(next.envelopeJson, id);
      const host = destinationHost(env.url);
      if (!this.deps.limiter.tryAcquire(host)) return next;
      if ((await this.attemptInline(callId, env, host, gen)) === 'queued') return { action: 'queued' };
      next = await this.deps.sequencer.advance(callId, id, gen, env.seq, true);
    }
    return next;
  }

  /** Events this replica is delivering without a BullMQ job at this moment (`deliverStaged`). */
  get directInFlight(): number {
    return this.#direct;
  }

  /**
   * One attempt outside a BullMQ job, on a slot of `host` the caller acquired (released here).
   * A retryable failure gives the event its own job with the normal backoff, this attempt
   * counted: 'queued'. Delivered, or dead-lettered for good: 'settled' (the call may advance).
   */
  private async attemptInline(callId: string, env: StatusEnvelope, host: string, gen: number): Promise<'queued' | 'settled'> {
    let failure: DeliveryFailure | undefined;
    try {
      await this.deps.poster.post(env, 1);
      this.recordDelivered(host, env);
    } catch (err) {
      if (!(err instanceof DeliveryFailure)) throw err;
      failure = err;
    } finally {
      this.deps.limiter.release(host);
    }
    if (!failure || (await this.settleFailure(env, 1, failure, host)) !== 'retry') return 'settled';
    const delay = backoffStrategy({ baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs })(1, 'dragon', failure);
    await this.deps.queue.addCall(callId, env.id, gen, delay, 1);
    return 'queued';
  }

  /**
   * Delivers an event the intake has just staged and found to be its call's head (`add` with no
   * delay: in flight in generation `gen`, nothing before it), without a BullMQ job: one attempt
   * here; a retryable failure gets its job with the normal backoff (this attempt counted), and
   * the call's next event gets its job as usual. Resolves false, doing nothing, when the host
   * has no free slot: the caller then adds the event's job. The caller acks the stream message
   * only after this resolves, so a replica killed meanwhile gets the message redelivered, and
   * the redelivered event, still in flight, re-adds its job (stage answers `kick`).
   */
  async deliverStaged(env: StatusEnvelope, gen: number): Promise<boolean> {
    const host = destinationHost(env.url);
    // Half the host's slots at most, so jobs waiting for the host keep the other half (taking
    // them all starved the jobs under load). At that cap the event waits a little for a slot,
    // as many waiting as the cap: a short burst or pause then costs no BullMQ job (three
    // scripts and a worker wake-up each, which made a brief stall snowball). A host that
    // stays busy longer gets its events as jobs, as before.
    const { limiter } = this.deps;
    const cap = Math.max(1, Math.floor(limiter.max / 2));
    // With a single slot per host there is no half to leave to the jobs: never wait then, or
    // direct events would keep the slot from the jobs for good.
    const wait = cap < limiter.max ? { maxWaiters: cap, timeoutMs: DIRECT_SLOT_WAIT_MS } : { maxWaiters: 0, timeoutMs: 0 };
    if (!(await limiter.acquire(host, cap, wait))) return false;
    this.#direct++;
    let outcome: 'queued' | 'settled';
    try {
      outcome = await this.attemptInline(env.callId, env, host, gen);
    } finally {
      this.#direct--;
    }
    if (outcome === 'queued') return true;
    // No inline chain here: the stream message waits for this, so it must stay short.
    await this.follow(env.callId, await this.deps.sequencer.advance(env.callId, env.id, gen, env.seq));
    return true;
  }

  private async processReplay(job: Job<ReplayDeliveryJob, JobResult>, token?: string): Promise<JobResult> {
    const result = await this.attempt(job, token, job.data.envelope);
    if (result === 'delivered') await this.deps.deadLetters.remove(job.data.envelope.id);
    return result;
  }

  /**
   * A call job out of attempts for an internal reason (not an HTTP failure):
   * dead-letter its event so the call's later events are not held forever.
   */
  private async rescue(data: CallDeliveryJob, err: Error): Promise<void> {
    const d = await this.deps.sequencer.begin(data.callId, data.id, data.gen);
    if (d.action !== 'go') return this.follow(data.callId, d);
    let env: StatusEnvelope;
    try {
      env = parseEnvelope(d.envelopeJson, data.id);
    } catch (corrupt) {
      // Nothing deliverable is left of this event; drop it so the call's later events go on.
      this.deps.logger.error({ err: corrupt, code: PBX_ERR_HOOK_STATE_CORRUPT.code, eventId: data.id }, 'event dropped');
      return this.follow(data.callId, await this.deps.sequencer.advance(data.callId, data.id, data.gen, 0));
    }
    await this.deps.deadLetters.put({
      envelope: env,
      attempts: 0,
      reason: 'internal',
      error: err.message,
      deadLetteredAt: new Date().toISOString(),
      replays: 0,
    });
    this.deps.metrics.deadLettered.inc({ host: destinationHost(env.url) });
    await this.follow(data.callId, await this.deps.sequencer.advance(data.callId, data.id, data.gen, env.seq));
  }

  /** Acts on a sequencer decision: create or re-create the job it names. */
  private async follow(callId: string, decision: SequencerDecision): Promise<void> {
    if (decision.action === 'add') await this.deps.queue.addCall(callId, decision.id, decision.gen, decision.delayMs);
    else if (decision.action === 'kick' || decision.action === 'claimed') {
      // A claimed event not delivered inline (host busy, chain limit) gets its job like any other.
      await this.deps.queue.addCall(callId, decision.id, decision.gen);
    }
  }

  /** One delivery attempt; resolves with a final outcome or throws to retry. */
  private async attempt(job: Job<DeliveryJobData, JobResult>, token: string | undefined, env: StatusEnvelope) {
    const { limiter, poster } = this.deps;
    const host = destinationHost(env.url);
    if (!limiter.tryAcquire(host)) {
      // The host has its share of slots: step aside without spending an attempt.
      await job.moveToDelayed(Date.now() + 50 + Math.floor(Math.random() * 200), token);
      throw new DelayedError();
    }
    const prior = job.data.kind === 'call' ? (job.data.priorAttempts ?? 0) : 0;
    const attempt = job.attemptsMade + 1 + prior;
    try {
      await poster.post(env, attempt);
      this.recordDelivered(host, env);
      return 'delivered' as const;
    } catch (err) {
      if (!(err instanceof DeliveryFailure)) throw err;
      if ((await this.settleFailure(env, attempt, err, host)) === 'retry') throw err;
      return 'dead-lettered' as const;
    } finally {
      limiter.release(host);
    }
  }

  private recordDelivered(host: string, env: StatusEnvelope): void {
    let m = this.perHost.get(host);
    if (!m) {
      // Label lookups hash their label object on every call; keep the children per host.
      m = { delivered: this.deps.metrics.delivered.labels(host), latency: this.deps.metrics.latency.labels(host) };
      if (this.perHost.size >= 1024) this.perHost.clear();
      this.perHost.set(host, m);
    }
    m.delivered.inc();
    m.latency.observe(Math.max(0, Date.now() - Date.parse(env.createdAt)) / 1000);
  }

  /** Counts a failed attempt; dead-letters the event when it is final. */
  private async settleFailure(
    env: StatusEnvelope,
    attempt: number,
    err: DeliveryFailure,
    host: string,
  ): Promise<'retry' | 'dead-lettered'> {
    const { metrics, logger } = this.deps;
    metrics.failedAttempts.inc({ host, reason: err.reason });
    const final = err.outcome === AttemptOutcome.Permanent || attempt >= this.options.maxAttempts;
    const log = { eventId: env.id, callId: env.callId, seq: env.seq, attempt, reason: err.reason };
    if (!final) {
      metrics.retried.inc({ host });
      logger.warn(log, 'statushook attempt failed; will retry');
      return 'retry';
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
    return 'dead-lettered';
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}
