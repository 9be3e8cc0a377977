import { randomBytes } from 'node:crypto';
import { MediaClient, createSubjects } from '@dragonpbx/shared/messaging';
import { createMetrics } from '@dragonpbx/shared/platform';
import { Redis } from 'ioredis';
import { type NatsConnection, connect } from 'nats';
import { pino } from 'pino';
import { MediaController } from '../../src/media-controller.js';
import type { MediaControllerInput } from '../../src/media-controller-options.js';
import { createMediaMetrics, type MediaMetrics } from '../../src/media-metrics.js';

/** The RTPEngine `scripts/infra.sh up` runs for everybody. */
export const DEFAULT_ENGINE = Object.freeze({ host: '127.0.0.1', port: 22222 });

/** Everything a media-controller test needs, isolated by random prefixes. */
export interface Harness {
  readonly nc: NatsConnection;
  readonly redis: Redis;
  readonly client: MediaClient;
  readonly subjectPrefix: string;
  readonly keyPrefix: string;
  /** Starts one more controller replica on the same prefixes. */
  startController(overrides?: Partial<MediaControllerInput>): Promise<{ controller: MediaController; metrics: MediaMetrics }>;
  close(): Promise<void>;
}

export async function createHarness(base: Partial<MediaControllerInput> = {}): Promise<Harness> {
  const id = randomBytes(6).toString('hex');
  const subjectPrefix = `t${id}`;
  const keyPrefix = `test:${id}:`;
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false });
  const controllers: MediaController[] = [];
  const logger = pino({ level: 'silent' });
  const client = new MediaClient({ subjects: createSubjects({ prefix: subjectPrefix }), timeoutMs: 5000 }, { nc });
  return {
    nc,
    redis,
    client,
    subjectPrefix,
    keyPrefix,
    async startController(overrides = {}) {
      const metrics = createMediaMetrics(createMetrics({ service: 'media-controller', defaultMetrics: false }));
      const controller = new MediaController(
        { engines: [DEFAULT_ENGINE], subjectPrefix, keyPrefix, ...base, ...overrides },
        { nc, redis, logger, metrics },
      );
      await controller.start();
      controllers.push(controller);
      return { controller, metrics };
    },
    async close() {
      await Promise.allSettled(controllers.map((c) => c.stop()));
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await nc.drain();
      redis.disconnect();
    },
  };
}

/** A fresh Call-ID and tags for one test call. */
export function newCall(): { callId: string; fromTag: string; toTag: string } {
  const r = () => randomBytes(5).toString('hex');
  return { callId: `mc-${r()}@test`, fromTag: `a-${r()}`, toTag: `b-${r()}` };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
