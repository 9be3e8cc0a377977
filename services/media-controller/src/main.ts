import { runService } from '@dragonpbx/shared/platform';
import { optionsFromEnv } from './env-options.js';
import { MediaController } from './media-controller.js';
import { MEDIA_CONTROLLER_ENV } from './media-controller-env.js';
import { createMediaMetrics } from './media-metrics.js';

/**
 * Runs one media-controller replica from the environment (variables: README):
 * `node --import tsx services/media-controller/src/main.ts`.
 * Ops endpoints on METRICS_PORT, default 9403 (0 = ephemeral).
 */
await runService({
  name: 'media-controller',
  env: MEDIA_CONTROLLER_ENV,
  defaultOpsPort: 9403,
  build: async ({ env, logger, metrics, infra }) => {
    // Affinity keys from concurrent calls leave in one write per tick.
    const redis = infra.redis({ enableAutoPipelining: true });
    const nc = await infra.nats();
    const controller = new MediaController(optionsFromEnv(env), { nc, redis, logger, metrics: createMediaMetrics(metrics) });
    await controller.start();
    logger.info({ engines: controller.options.engines, subjects: controller.subjects.media('offer') }, 'serving media RPC');
    return {
      readiness: async () => ({
        ...controller.readiness(),
        redis: await redis.ping().then((r) => r === 'PONG', () => false),
      }),
      stop: () => controller.stop(),
    };
  },
});
