import { createConfigSource } from '@dragonpbx/shared/config';
import { createSubjects } from '@dragonpbx/shared/messaging';
import { runService } from '@dragonpbx/shared/platform';
import { connectSrf, Srf } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient, declareHookLatency } from '@dragonpbx/shared/webhooks';
import { registrarEnvOptions } from './env-options.js';
import { natsEventSink } from './register/nats-event-sink.js';
import { Registrar } from './registrar.js';
import { REGISTRAR_ENV } from './registrar-env.js';
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
 * Runs one registrar replica from the environment (`npm start -w @dragonpbx/registrar`;
 * variables: README): connects to the SIP server at DRACHTIO_HOST:DRACHTIO_PORT,
 * ops endpoints on METRICS_PORT (default 9402).
 */
await runService({
  name: 'registrar',
  env: REGISTRAR_ENV,
  defaultOpsPort: 9402,
  build: async ({ env, logger, metrics, infra }) => {
    const opts = registrarEnvOptions(env);
    if (opts.derivedNonceSecret) logger.warn('REGISTRAR_NONCE_SECRET is not set: nonces are keyed from DRACHTIO_SECRET');
    const config = createConfigSource(env, { logger });
    await config.start();
    // Auto-pipelining: the commands of REGISTERs handled in the same tick share one write.
    const redis = infra.redis({ enableAutoPipelining: true });
    const state = new StateStore({ keyPrefix: opts.keyPrefix }, { redis });
    const nc = await infra.nats();
    const webhook = createWebhookClient({
      timeoutMs: env.HOOK_TIMEOUT_MS,
      maxSockets: HOOK_SOCKETS,
      maxFreeSockets: HOOK_SOCKETS,
      // Round robin keeps every pooled connection in use, so the hook's idle timeout
      // does not close the ones a burst opened (to be reopened at the next burst).
      scheduling: 'fifo',
      ...(env.HOOK_SIGNING_SECRET && { signingSecret: env.HOOK_SIGNING_SECRET }),
      logger,
      latency: declareHookLatency(metrics),
    });
    const registrarMetrics = createRegistrarMetrics(metrics, () => state.contacts.countExtensions(config.listDomains()));
    const subjects = createSubjects({ prefix: env.NATS_SUBJECT_PREFIX });
    const registrar = new Registrar(opts.registrar, {
      config,
      state,
      webhook,
      events: natsEventSink(nc, subjects, (err) => logger.warn({ err }, 'registration event not published')),
      logger,
      metrics: registrarMetrics,
    });
    const srf = new Srf();
    registrar.attach(srf);
    const app = await connectSrf(
      { host: env.DRACHTIO_HOST, port: env.DRACHTIO_PORT, secret: env.DRACHTIO_SECRET, srf, timeoutMs: 30_000 },
      logger,
    );
    const trunks = new TrunkRegistrar(opts.trunks, { srf, config, state, logger, metrics: registrarMetrics });
    trunks.start();
    return {
      readiness: async () => ({
        redis: (await redis.ping().catch(() => 'down')) === 'PONG',
        nats: !nc.isClosed(),
        sip: app.connected(),
      }),
      // Release trunk leases first so another replica registers them at once.
      drain: () => trunks.stop(true),
      stop: async () => {
        app.disconnect();
        webhook.close();
        await config.close();
      },
    };
  },
});
