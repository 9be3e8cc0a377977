import { PbxError } from '@dragonpbx/shared/contracts';
import { connectNats } from '@dragonpbx/shared/messaging';
import { createLogger, createMetrics, createOpsServer, loadEnvOrExit, startTracing } from '@dragonpbx/shared/platform';
import { Redis } from 'ioredis';
import { optionsFromEnv } from './env-options.js';
import { MediaController } from './media-controller.js';
import { createMediaMetrics } from './media-metrics.js';

/** Ops port when METRICS_PORT is unset. */
const DEFAULT_OPS_PORT = 9403;

/**
 * Runs one media-controller replica from the environment:
 * `node --import tsx services/media-controller/src/main.ts`.
 * RTPENGINE_HOSTS (or RTPENGINE_HOST + RTPENGINE_PORT), NATS_URL, REDIS_URL,
 * METRICS_PORT (/healthz /readyz /metrics; default 9403, 0 = ephemeral).
 */
async function main(): Promise<void> {
  const env = loadEnvOrExit();
  const tracing = startTracing({ serviceName: 'media-controller' });
  const logger = createLogger({ service: 'media-controller', level: env.LOGLEVEL });
  let input: ReturnType<typeof optionsFromEnv>;
  try {
    input = optionsFromEnv(env, process.env);
  } catch (err) {
    process.stderr.write(`${(err as PbxError).code}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const metrics = createMetrics({ service: 'media-controller' });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 });
  const nc = await connectNats({ servers: env.NATS_URL, name: `media-controller-${env.INSTANCE_ID}` });
  const controller = new MediaController(input, { nc, redis, logger, metrics: createMediaMetrics(metrics) });
  await controller.start();
  const ops = await createOpsServer({
    registry: metrics.registry,
    port: env.METRICS_PORT ?? DEFAULT_OPS_PORT,
    readiness: async () => ({
      ...controller.readiness(),
      redis: await redis.ping().then(
        (r) => r === 'PONG',
        () => false,
      ),
    }),
  });
  logger.info(
    { opsPort: ops.port, engines: controller.options.engines, subjects: controller.subjects.media('offer') },
    'media-controller ready',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await ops.close();
    await controller.stop();
    await nc.drain();
    redis.disconnect();
    await tracing.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`media-controller failed to start: ${err instanceof PbxError ? err.code : ''} ${err?.stack ?? err}\n`);
  process.exit(1);
});
