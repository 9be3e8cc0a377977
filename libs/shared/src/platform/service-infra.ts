import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { ConnectNatsOptions } from '../nats/connect-nats.js';
import type { Metrics } from '../observability/create-metrics.js';
import { PBX_ERR_INFRA_UNDECLARED } from './platform-errors.js';

/**
 * What a Redis connection is for, which decides its one retry policy:
 * - `state`: request-path reads and writes. A command waits for at most
 *   {@link STATE_MAX_RETRIES} reconnects, then fails, so a caller can answer
 *   "try again later" (SIP 503) instead of hanging while Redis is down.
 * - `queue`: BullMQ. Its blocking commands require `maxRetriesPerRequest: null`.
 */
export type RedisPurpose = 'state' | 'queue';

/** Reconnect attempts a `state` command waits for before it fails. */
export const STATE_MAX_RETRIES = 2;

/** Options of {@link ServiceInfra.redis}. */
export interface ServiceRedisOptions extends RedisOptions {
  /** @defaultValue `'state'` */
  readonly purpose?: RedisPurpose;
}

/** Connection factories with the settings every service shares; the runner closes what they open. */
export interface ServiceInfra {
  /** A Redis client on `REDIS_URL`, with an error listener that logs (an unheard ioredis error would crash the process). */
  redis(options?: ServiceRedisOptions): Redis;
  /**
   * A NATS connection on `NATS_URL`, named `<service>-<INSTANCE_ID>`, reconnecting for ever;
   * its requests are timed in `dragon_nats_request_seconds{subject, outcome}`.
   */
  nats(options?: Partial<ConnectNatsOptions>): Promise<NatsConnection>;
}

/** {@link ServiceInfra} plus the close the runner calls at shutdown. */
export interface ClosableInfra extends ServiceInfra {
  /** Drains NATS connections and disconnects Redis clients, never throwing. */
  close(): Promise<void>;
}

interface InfraEnv {
  readonly REDIS_URL?: unknown;
  readonly NATS_URL?: unknown;
  readonly INSTANCE_ID: string;
}

// ioredis and nats are loaded on first use, so a service that needs neither
// (the sip-server) does not load them by loading the platform.
const require = createRequire(import.meta.url);

/** NATS request/reply round trips are sub-millisecond on a LAN; timeouts are seconds. */
const NATS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Creates the factories of one service process; with `metrics`, NATS requests are timed on its registry. */
export function createInfra(name: string, env: InfraEnv, logger: Logger, metrics?: Metrics): ClosableInfra {
  const redises: Redis[] = [];
  const natses: NatsConnection[] = [];
  let natsLatency: ReturnType<Metrics['histogram']> | undefined;
  const setting = (key: 'REDIS_URL' | 'NATS_URL'): string => {
    const v = env[key];
    if (typeof v !== 'string') throw new PBX_ERR_INFRA_UNDECLARED(name, key);
    return v;
  };
  return {
    redis(options = {}) {
      const { purpose = 'state', ...rest } = options;
      const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
      const client: Redis = new RedisClient(setting('REDIS_URL'), {
        maxRetriesPerRequest: purpose === 'queue' ? null : STATE_MAX_RETRIES,
        ...rest,
      });
      // One line per outage, not one per reconnect attempt.
      let reported: string | undefined;
      client.on('error', (err: Error) => {
        if (err.message === reported) return;
        reported = err.message;
        logger.warn({ err: err.message, purpose }, 'redis error');
      });
      client.on('ready', () => {
        if (reported !== undefined) logger.info({ purpose }, 'redis reconnected');
        reported = undefined;
      });
      redises.push(client);
      return client;
    },
    async nats(options = {}) {
      const { connectNats } = await import('../nats/connect-nats.js');
      const nc = await connectNats({ servers: setting('NATS_URL'), name: `${name}-${env.INSTANCE_ID}`, ...options });
      natses.push(nc);
      if (metrics) {
        const { observeNatsRequests } = await import('../nats/request.js');
        natsLatency ??= metrics.histogram('nats_request_seconds', 'NATS request/reply round trips, by subject and outcome', ['subject', 'outcome'], NATS_BUCKETS);
        const histogram = natsLatency;
        observeNatsRequests(nc, (subject, outcome, seconds) => histogram.observe({ subject, outcome }, seconds));
      }
      return nc;
    },
    async close() {
      await Promise.all(natses.map((nc) => (nc.isClosed() ? undefined : nc.drain().catch(() => nc.close()))));
      for (const r of redises) r.disconnect();
    },
  };
}
