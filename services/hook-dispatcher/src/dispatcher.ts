import { createSubjects } from '@dragonpbx/shared/messaging';
import { decodeSigningSecret } from '@dragonpbx/shared/webhooks';
import { type Tracer, trace } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type DispatcherOptions, resolveDispatcherOptions } from './config/dispatcher-options.js';
import type { DeadLetterEntry } from './dead-letter/dead-letter-entry.js';
import { DeadLetterStore } from './dead-letter/dead-letter-store.js';
import { HostLimiter } from './delivery/host-limiter.js';
import { StatusHookPoster } from './delivery/post-webhook.js';
import { StatusIntake } from './intake/status-intake.js';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { ensureStatusStream, STATUS_ACK_WAIT_MS } from './intake/status-stream.js';
import { DispatcherMetrics } from './observability/dispatcher-metrics.js';
import { DeliveryQueue } from './queue/delivery-queue.js';
import { DeliveryWorker } from './queue/delivery-worker.js';
import { CallSequencer } from './sequencer/call-sequencer.js';

/** What a dispatcher needs from its environment; tests pass their own. */
export interface DispatcherDeps {
  /** ioredis connection with `maxRetriesPerRequest: null` (BullMQ requires it). */
  redis: Redis;
  nats: NatsConnection;
  logger: Logger;
  registry: Registry;
  /** @defaultValue the global tracer `@dragonpbx/hook-dispatcher` */
  tracer?: Tracer;
}

/**
 * One hook-dispatcher replica: JetStream consumer → call sequencer → BullMQ →
 * signed POST. Replicas share the durable consumer and the queue, so starting
 * more of them spreads the work; none holds state another cannot take over.
 */
export class HookDispatcher {
  readonly options: Readonly<DispatcherOptions>;
  readonly metrics: DispatcherMetrics;
  readonly deadLetters: DeadLetterStore;
  readonly queue: DeliveryQueue;
  private readonly sequencer: CallSequencer;
  /**
   * The sequencer's own connection, auto-pipelined: the many small script calls of concurrent
   * jobs and intake batches made in one tick go out in one write instead of one each.
   */
  private readonly sequencerRedis: Redis;
  private readonly poster: StatusHookPoster;
  private worker: DeliveryWorker | undefined;
  private intake: StatusIntake | undefined;
  private running = false;

  constructor(
    private readonly deps: DispatcherDeps,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = resolveDispatcherOptions(options);
    const o = this.options;
    this.metrics = new DispatcherMetrics(deps.registry);
    this.deadLetters = new DeadLetterStore(deps.redis, o.keyPrefix);
    this.queue = new DeliveryQueue(deps.redis, { queueName: o.queueName, keyPrefix: o.keyPrefix, maxAttempts: o.maxAttempts });
    this.sequencerRedis = deps.redis.duplicate({ enableAutoPipelining: true, lazyConnect: true });
    this.sequencer = new CallSequencer(this.sequencerRedis, {
      keyPrefix: o.keyPrefix,
      reorderWindowMs: o.reorderWindowMs,
      ttlSec: o.callStateTtlSec,
    });
    this.poster = new StatusHookPoster({
      key: o.signingSecret ? decodeSigningSecret(o.signingSecret) : undefined,
      timeoutMs: o.requestTimeoutMs,
      // The limiter never lets more than this many requests reach one host at once.
      maxSockets: o.hostConcurrency,
      tracer: deps.tracer ?? trace.getTracer('@dragonpbx/hook-dispatcher'),
      latency: this.metrics.requestLatency,
    });
    this.metrics.setDepthProbe(async () => ({
      ...(await this.queue.depth()),
      // Per replica: events the intake is delivering itself, outside BullMQ.
      direct: this.worker?.directInFlight ?? 0,
      dead_lettered: await this.deadLetters.count(),
    }));
  }

  /** The stream subject this deployment consumes (`[prefix.]dragon.status.>`). */
  get subject(): string {
    return createSubjects({ prefix: this.options.subjectPrefix }).statusAll();
  }

  /** Ensures the stream and consumer exist, then starts consuming and delivering. */
  async start(): Promise<void> {
    const o = this.options;
    const jsm = await this.deps.nats.jetstreamManager();
    const stream = await ensureStatusStream(jsm, {
      stream: o.streamName,
      consumer: o.consumerName,
      subject: this.subject,
      maxAgeMs: o.streamMaxAgeMs,
      maxBytes: o.streamMaxBytes,
      replicas: o.streamReplicas,
    });
    if (this.sequencerRedis.status === 'wait') await this.sequencerRedis.connect();
    const logger = this.deps.logger;
    if (stream.stream === 'kept') {
      logger.warn({ stream: o.streamName, reason: stream.reason }, 'status stream exists with other settings; kept as is');
    }
    this.worker = new DeliveryWorker(
      {
        redis: this.deps.redis,
        queue: this.queue,
        sequencer: this.sequencer,
        deadLetters: this.deadLetters,
        poster: this.poster,
        limiter: new HostLimiter(o.hostConcurrency),
        metrics: this.metrics,
        logger,
      },
      {
        queueName: o.queueName,
        keyPrefix: o.keyPrefix,
        concurrency: o.concurrency,
        maxAttempts: o.maxAttempts,
        backoffBaseMs: o.backoffBaseMs,
        backoffMaxMs: o.backoffMaxMs,
        lockDurationMs: o.lockDurationMs,
      },
    );
    const worker = this.worker;
    this.intake = new StatusIntake(
      {
        js: this.deps.nats.jetstream(),
        sequencer: this.sequencer,
        queue: this.queue,
        metrics: this.metrics,
        logger,
        // A head event is delivered by the intake itself (no BullMQ job) while its stream message
        // waits unacked; only when one attempt surely ends well within the stream's ack wait.
        ...(o.requestTimeoutMs * 3 <= STATUS_ACK_WAIT_MS
          ? { deliverStaged: (env: StatusEnvelope, gen: number) => worker.deliverStaged(env, gen) }
          : {}),
      },
      { stream: o.streamName, consumer: o.consumerName, concurrency: o.intakeConcurrency },
    );
    await this.intake.start();
    this.running = true;
    logger.info({ stream: o.streamName, subject: this.subject, queue: o.queueName }, 'hook-dispatcher started');
  }

  /** True when started, the stream consumer runs, and both Redis and NATS are connected. */
  ready(): boolean {
    return Object.values(this.readiness()).every(Boolean);
  }

  /** The checks behind {@link ready}, by dependency (the `/readyz` body). */
  readiness(): Record<string, boolean> {
    return {
      intake: this.running && (this.intake?.isRunning ?? false),
      redis: this.deps.redis.status === 'ready' && this.sequencerRedis.status === 'ready',
      nats: !this.deps.nats.isClosed(),
    };
  }

  /** Queues a dead-lettered event for delivery again (same `webhook-id`); it leaves the list once delivered. */
  async replay(id: string): Promise<{ id: string; jobId: string }> {
    const entry: DeadLetterEntry = await this.deadLetters.markReplayed(id);
    return { id, jobId: await this.queue.addReplay(entry.envelope) };
  }

  /** Replays every dead-lettered event; returns how many were queued. */
  async replayAll(): Promise<number> {
    let n = 0;
    for (const id of await this.deadLetters.ids()) {
      await this.replay(id);
      n += 1;
    }
    return n;
  }

  /** Stops consuming, lets in-progress deliveries finish, closes the queue. */
  async stop(): Promise<void> {
    this.running = false;
    await this.intake?.stop();
    await this.worker?.close();
    await this.queue.close();
    this.poster.close();
    this.sequencerRedis.disconnect();
  }
}
