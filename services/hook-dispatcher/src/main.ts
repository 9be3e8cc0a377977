import { PbxError } from '@dragonpbx/shared/contracts';
import { connectNats } from '@dragonpbx/shared/messaging';
import { loadEnvOrExit } from '@dragonpbx/shared/platform';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { optionsFromEnv } from './config/env-options.js';
import { HookDispatcher } from './dispatcher.js';
import { buildAdminServer } from './http/admin-server.js';

/**
 * Runs one hook-dispatcher replica from the environment:
 * `node --import tsx services/hook-dispatcher/src/main.ts`.
 * `HOOK_HTTP_PORT` (default 3004, 0 = ephemeral) serves /healthz, /readyz, /metrics and /deadletters.
 */
async function main(): Promise<void> {
  const env = loadEnvOrExit();
  const logger = pino({ level: env.LOGLEVEL, base: { service: 'hook-dispatcher' } });
  let options: ReturnType<typeof optionsFromEnv>;
  try {
    options = {
      ...optionsFromEnv(process.env),
      signingSecret: env.HOOK_SIGNING_SECRET ?? '',
      requestTimeoutMs: env.HOOK_TIMEOUT_MS,
    };
  } catch (err) {
    process.stderr.write(`${(err as PbxError).code}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const nats = await connectNats({ servers: env.NATS_URL, name: 'hook-dispatcher' });
  const dispatcher = new HookDispatcher({ redis, nats, logger, registry }, options);
  const app = buildAdminServer(dispatcher, registry, { apiToken: env.API_TOKEN });
  await dispatcher.start();
  const portText = process.env.HOOK_HTTP_PORT?.trim() || String(env.METRICS_PORT ?? 3004);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    process.stderr.write(`PBX_ERR_HOOK_CONFIG_INVALID: invalid option HOOK_HTTP_PORT: ${JSON.stringify(portText)}\n`);
    process.exit(1);
  }
  const address = await app.listen({ port, host: process.env.HOOK_HTTP_HOST ?? '0.0.0.0' });
  logger.info({ address, port: app.server.address() && (app.server.address() as { port: number }).port }, 'admin http listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.close();
    await dispatcher.stop();
    await nats.drain();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`hook-dispatcher failed to start: ${err instanceof PbxError ? err.code : ''} ${err?.stack ?? err}\n`);
  process.exit(1);
});
