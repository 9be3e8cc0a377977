import { createConfigSource } from '@dragonpbx/shared/config';
import { PbxError } from '@dragonpbx/shared/contracts';
import { connectNats, createSubjects } from '@dragonpbx/shared/messaging';
import { createLogger, createMetrics, createOpsServer, loadEnvOrExit } from '@dragonpbx/shared/platform';
import { Srf, connectSrf } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient } from '@dragonpbx/shared/webhooks';
import { Redis } from 'ioredis';
import { registrarEnvOptions } from './env-options.js';
import { natsEventSink } from './register/nats-event-sink.js';
import { Registrar } from './registrar.js';
import { createRegistrarMetrics } from './registrar-metrics.js';
import { TrunkRegistrar } from './trunk/trunk-registrar.js';

/**
 * RegHook connections per hook host, all kept alive. Every REGISTER makes one
 * POST, and when the registrar falls behind every queued REGISTER has its POST in
 * flight at once: a small idle pool then closes connections as they come free,
 * and no bound at all opens one connection per queued REGISTER (thousands, each
 * costing a connect and a close on an already overloaded machine). The bound
 * must stay well above what the hook needs at full rate, because each socket
 * serves one call per hook round trip plus event-loop delay: 1 024 sockets carry
 * 5 000 calls/s even at 200 ms per call.
 */
const HOOK_SOCKETS = 1024;

/**
 * Runs one registrar replica from the environment (`npm start -w @dragonpbx/registrar`):
 * connects to the SIP server at DRACHTIO_HOST:DRACHTIO_PORT with DRACHTIO_SECRET,
 * serves /healthz, /readyz and /metrics on METRICS_PORT (default 9402).
 */
async function main(): Promise<void> {
  const env = loadEnvOrExit();
  const logger = createLogger({ service: 'registrar', level: env.LOGLEVEL });
  let opts: ReturnType<typeof registrarEnvOptions>;
  try {
    opts = registrarEnvOptions(env, process.env);
  } catch (err) {
    process.stderr.write(`${(err as PbxError).code}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (opts.derivedNonceSecret) logger.warn('REGISTRAR_NONCE_SECRET is not set: nonces are keyed from DRACHTIO_SECRET');

  const config = createConfigSource(env, { logger });
  await config.start();
  // Auto-pipelining: the commands of REGISTERs handled in the same tick share one write.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  const state = new StateStore({ keyPrefix: opts.keyPrefix }, { redis });
  const nc = await connectNats({ servers: env.NATS_URL, name: `registrar-${env.INSTANCE_ID}` });
  const webhook = createWebhookClient({
    timeoutMs: env.HOOK_TIMEOUT_MS,
    maxSockets: HOOK_SOCKETS,
    maxFreeSockets: HOOK_SOCKETS,
    // Round robin keeps every pooled connection in use, so the hook's idle timeout
    // does not close the ones a burst opened (to be reopened at the next burst).
    scheduling: 'fifo',
    ...(env.HOOK_SIGNING_SECRET && { signingSecret: env.HOOK_SIGNING_SECRET }),
    logger,
  });
  const metrics = createMetrics({ service: 'registrar' });
  const registrarMetrics = createRegistrarMetrics(metrics);
  const registrar = new Registrar(opts.registrar, {
    config,
    state,
    webhook,
    events: natsEventSink(nc, createSubjects(), (err) => logger.warn({ err }, 'registration event not published')),
    logger,
    metrics: registrarMetrics,
  });
  const srf = new Srf();
  registrar.attach(srf);
  let sipConnected = false;
  srf.on('connect', (err) => {
    sipConnected = !err;
  });
  srf.on('close', () => {
    sipConnected = false;
  });
  const app = await connectSrf({ host: env.DRACHTIO_HOST, port: env.DRACHTIO_PORT, secret: env.DRACHTIO_SECRET, srf, timeoutMs: 30_000 }, logger);
  sipConnected = true;
  const trunks = new TrunkRegistrar(opts.trunks, { srf, config, state, logger, metrics: registrarMetrics });
  trunks.start();

  const ops = await createOpsServer({
    registry: metrics.registry,
    port: opts.metricsPort,
    readiness: async () => ({
      redis: (await redis.ping().catch(() => 'down')) === 'PONG',
      nats: !nc.isClosed(),
      sip: sipConnected,
    }),
  });
  logger.info({ port: ops.port, instanceId: env.INSTANCE_ID }, 'registrar ready');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Release trunk leases first so another replica registers them at once.
    await trunks.stop(true);
    app.disconnect();
    await ops.close();
    await nc.drain().catch(() => undefined);
    webhook.close();
    await config.close();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`registrar failed to start: ${err instanceof PbxError ? err.code : ''} ${err?.stack ?? err}\n`);
  process.exit(1);
});
