import {
  MediaAnswerRequestSchema,
  MediaDeleteRequestSchema,
  MediaDtmfRequestSchema,
  MediaOfferRequestSchema,
  MediaPlayRequestSchema,
  MediaQueryRequestSchema,
  MediaStopRequestSchema,
  MediaSubscribeAnswerRequestSchema,
  MediaSubscribeRequestSchema,
  MediaUnsubscribeRequestSchema,
  PbxError,
} from '@dragonpbx/shared/contracts';
import { createJsonCodec, createSubjects, type JsonCodec, type MediaOp, serve, type Subjects } from '@dragonpbx/shared/messaging';
import type { Attributes } from '@opentelemetry/api';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Redis } from 'ioredis';
import type { NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { CallAffinity } from './engine/call-affinity.js';
import { EnginePool } from './engine/engine-pool.js';
import { EngineRouter } from './engine/engine-router.js';
import { EngineState } from './engine/engine-state.js';
import type { MediaControllerInput, MediaControllerOptions } from './media-controller-options.js';
import { resolveMediaControllerOptions } from './media-controller-options.js';
import type { MediaMetrics } from './media-metrics.js';
import { NgClient } from './ng/ng-client.js';
import { MediaOperations } from './ops/media-operations.js';

/** Every media request names its call; it goes on the operation's span. */
function callIdAttribute(payload: unknown): Attributes {
  const callId = (payload as { callId?: unknown }).callId;
  return typeof callId === 'string' ? { 'dragon.call_id': callId } : {};
}

/** Collaborators of {@link MediaController}; the controller never closes them. */
export interface MediaControllerDeps {
  readonly nc: NatsConnection;
  readonly redis: Redis;
  readonly logger: Logger;
  /** Omit in tests that do not look at metrics. */
  readonly metrics?: MediaMetrics;
}

/**
 * The only component that talks to RTPEngine: serves `dragon.media.<op>` in a
 * NATS queue group (so replicas share the load and any replica serves any
 * call), keeps call→engine affinity in Redis and health-checks the pool.
 */
export class MediaController {
  readonly options: MediaControllerOptions;
  readonly subjects: Subjects;
  readonly pool: EnginePool;
  readonly #deps: MediaControllerDeps;
  readonly #ng: NgClient;
  readonly #ops: MediaOperations;
  readonly #subs: Subscription[] = [];

  constructor(input: MediaControllerInput, deps: MediaControllerDeps) {
    this.options = resolveMediaControllerOptions(input);
    this.#deps = deps;
    this.subjects = createSubjects({ prefix: this.options.subjectPrefix });
    const { metrics, logger } = deps;
    this.#ng = new NgClient(
      { timeoutMs: this.options.ngTimeoutMs },
      {
        observe: (command, outcome, seconds) => metrics?.ngLatency.observe({ command, outcome }, seconds),
        // Also the second answer to a retransmitted command: expected now and then, not a warning.
        onStrayError: (err) => logger.info({ err: err.message }, 'late or uncorrelated ng reply'),
        onRetransmit: (command) => metrics?.ngRetransmits.inc({ command }),
      },
    );
    this.pool = new EnginePool(
      { engines: this.options.engines, healthIntervalMs: this.options.healthIntervalMs, placement: this.options.placement },
      { ng: this.#ng },
    );
    this.pool.on('state', (engine, previous, error) => {
      metrics?.engineUp.set({ engine: engine.id }, engine.state === EngineState.Up ? 1 : 0);
      const line = { engine: engine.id, previous, state: engine.state, error };
      if (engine.state === EngineState.Up) logger.info(line, 'RTPEngine up');
      else logger.warn(line, 'RTPEngine down');
    });
    const affinity = new CallAffinity(
      { keyPrefix: this.options.keyPrefix, ttlSec: this.options.affinityTtlSec, cacheSize: this.options.affinityCacheSize },
      { redis: deps.redis, onError: (err) => logger.warn({ err }, 'renewing a call affinity TTL failed') },
    );
    this.#ops = new MediaOperations({ deleteDelaySec: this.options.deleteDelaySec }, { router: new EngineRouter({ pool: this.pool, affinity, ng: this.#ng }) });
  }

  /** Checks the engines once, then subscribes every media subject. */
  async start(): Promise<void> {
    await this.pool.start();
    this.#report();
    const o = this.#ops;
    this.#serve('offer', MediaOfferRequestSchema, (r) => o.offer(r));
    this.#serve('answer', MediaAnswerRequestSchema, (r) => o.answer(r));
    this.#serve('delete', MediaDeleteRequestSchema, (r) => o.delete(r));
    this.#serve('play', MediaPlayRequestSchema, (r) => o.play(r));
    this.#serve('stop', MediaStopRequestSchema, (r) => o.stop(r));
    this.#serve('dtmf', MediaDtmfRequestSchema, (r) => o.dtmf(r));
    this.#serve('subscribe', MediaSubscribeRequestSchema, (r) => o.subscribe(r));
    this.#serve('subscribe-answer', MediaSubscribeAnswerRequestSchema, (r) => o.subscribeAnswer(r));
    this.#serve('unsubscribe', MediaUnsubscribeRequestSchema, (r) => o.unsubscribe(r));
    this.#serve('query', MediaQueryRequestSchema, (r) => o.query(r));
    // Make sure the server has the subscriptions before anyone is told we are ready.
    await this.#deps.nc.flush();
  }

  /** Stops serving (in-flight requests finish), stops health checks, closes the ng socket. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.#subs.splice(0).map((s) => s.drain()));
    this.pool.stop();
    this.#ng.close();
  }

  /** For `/readyz`: serving, and at least one engine up. */
  readiness(): Record<string, boolean> {
    return { nats: !this.#deps.nc.isClosed(), rtpengine: this.pool.healthy };
  }

  #serve<S extends TSchema>(op: MediaOp, schema: S, handler: (req: Static<S>) => Promise<unknown>): void {
    const codec: JsonCodec<Static<S>> = createJsonCodec(schema);
    const { metrics, logger } = this.#deps;
    const counted = async (payload: Static<S>) => {
      try {
        const result = await handler(payload);
        metrics?.requests.inc({ op, result: 'ok' });
        return result;
      } catch (err) {
        metrics?.requests.inc({ op, result: err instanceof PbxError ? err.code : 'PBX_ERR_NATS_HANDLER_FAILED' });
        throw err;
      } finally {
        this.#report();
      }
    };
    // serve() gives each operation one span, a child of the caller's trace, and marks
    // failures with their code.
    const sub = serve(this.#deps.nc, this.subjects.media(op), counted, {
      queue: this.options.queue,
      codec,
      logger,
      spanName: `media ${op}`,
      spanAttributes: callIdAttribute,
    });
    this.#subs.push(sub);
  }

  #report(): void {
    const m = this.#deps.metrics;
    if (!m) return;
    for (const e of this.pool.engines) {
      m.engineUp.set({ engine: e.id }, e.up ? 1 : 0);
      m.engineSessions.set({ engine: e.id }, e.sessions);
    }
  }
}
