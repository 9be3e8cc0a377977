import { createHmac } from 'node:crypto';
import { createConfigSource } from '@dragonpbx/shared/config';
import { createSubjects, MediaClient, StreamPublisher } from '@dragonpbx/shared/messaging';
import { runService } from '@dragonpbx/shared/platform';
import { connectSrf, Srf } from '@dragonpbx/shared/srf';
import { StateStore } from '@dragonpbx/shared/state';
import { createWebhookClient, declareHookLatency } from '@dragonpbx/shared/webhooks';
import { startApiServer } from './api/api-server.js';
import { CallCommands } from './api/call-commands.js';
import { CallRouter } from './call-router.js';
import { CALL_ROUTER_ENV } from './call-router-env.js';
import { createCallRouterMetrics } from './call-router-metrics.js';
import { jetStreamEventSink } from './engine/status-event-sink.js';

/** Idle keep-alive connections kept per CallHook host (see the webhook client below). */
const HOOK_FREE_SOCKETS = 1024;

/**
 * Runs one call-router replica from the environment (variables: README):
 * connects to the SIP server at DRACHTIO_HOST:DRACHTIO_PORT and routes every
 * new INVITE; ops endpoints on METRICS_PORT (default 9401). On SIGTERM it
 * turns unready, answers new INVITEs 503 and lets calls in progress end for
 * up to CALL_DRAIN_TIMEOUT_MS. The REST call API listens on WEBPORT (default
 * 2999; loopback only without API_TOKEN) and answers other replicas' commands
 * for this one's calls on `dragon.calls.<INSTANCE_ID>.*`.
 */
await runService({
  name: 'call-router',
  env: CALL_ROUTER_ENV,
  defaultOpsPort: 9401,
  // Room for the default CALL_DRAIN_TIMEOUT_MS (30 s), then the hang-up of what is
  // left and the connections; raise SHUTDOWN_TIMEOUT_MS with a longer drain.
  shutdownTimeoutMs: 45_000,
  build: async ({ env, logger, metrics, infra }) => {
    if (env.CALL_ROUTER_NONCE_SECRET === undefined) {
      logger.warn('CALL_ROUTER_NONCE_SECRET is not set: nonces are keyed from DRACHTIO_SECRET');
    }
    const nonceSecret =
      env.CALL_ROUTER_NONCE_SECRET ??
      createHmac('sha256', env.DRACHTIO_SECRET).update('dragonpbx call-router nonce').digest('hex');
    const config = createConfigSource(env, { logger });
    await config.start();
    const redis = infra.redis({ enableAutoPipelining: true });
    const state = new StateStore({ keyPrefix: env.REDIS_KEY_PREFIX }, { redis });
    const nc = await infra.nats();
    const subjects = createSubjects({ prefix: env.NATS_SUBJECT_PREFIX });
    const webhook = createWebhookClient({
      timeoutMs: env.HOOK_TIMEOUT_MS,
      // Keep every connection a burst of calls opened: with the default 16 idle sockets, each
      // burst above that closed its extra connections and the next one reconnected (a TCP
      // handshake and teardown per CallHook). Round robin keeps them all in use, so the hook's
      // idle timeout does not close them between bursts either. No cap on open connections:
      // a slow CallHook must not make the other calls queue behind it.
      maxFreeSockets: HOOK_FREE_SOCKETS,
      scheduling: 'fifo',
      ...(env.HOOK_SIGNING_SECRET && { signingSecret: env.HOOK_SIGNING_SECRET }),
      logger,
      latency: declareHookLatency(metrics),
    });
    // Status events: one inbox for every acknowledgement, instead of a request per event.
    const publisher = new StreamPublisher(nc);
    const router = new CallRouter(
      {
        instanceId: env.INSTANCE_ID,
        nonceSecret,
        nonceLifetimeSec: env.NONCE_LIFETIME_SECS,
        algorithms: env.DIGEST_ALGORITHMS,
        hookTimeoutMs: env.HOOK_TIMEOUT_MS,
        filePath: env.FILE_PATH,
        mediaPath: env.MEDIA_PATH,
        ...(env.MEDIA_CACHE_PATH !== undefined && { mediaCachePath: env.MEDIA_CACHE_PATH }),
        defaultRingtone: env.DEFAULT_RINGTONE,
        defaultCodecs: env.DEFAULT_CODECS,
        subjectPrefix: env.NATS_SUBJECT_PREFIX,
      },
      {
        config,
        state,
        webhook,
        events: jetStreamEventSink(publisher, env.NATS_SUBJECT_PREFIX),
        media: new MediaClient({ subjects, timeoutMs: env.MEDIA_TIMEOUT_MS }, { nc }),
        logger,
        metrics: createCallRouterMetrics(metrics),
      },
    );
    const srf = new Srf();
    router.attach(srf);
    const commands = new CallCommands(
      { instanceId: env.INSTANCE_ID, subjects, timeoutMs: env.HOOK_TIMEOUT_MS + 2000 },
      { calls: state.calls, local: router, nc, logger },
    );
    router.useJoiner(commands);
    router.useCommands(commands);
    const commandSub = commands.serve();
    const api = await startApiServer(
      { port: env.WEBPORT, host: env.API_HOST, ...(env.API_TOKEN !== undefined && { token: env.API_TOKEN }) },
      { config, calls: state.calls, contacts: state.contacts, commands, logger },
    );
    logger.info({ port: api.port, host: api.host, auth: env.API_TOKEN !== undefined ? 'bearer' : 'loopback' }, 'REST call API listening');
    const app = await connectSrf(
      { host: env.DRACHTIO_HOST, port: env.DRACHTIO_PORT, secret: env.DRACHTIO_SECRET, srf, timeoutMs: 30_000 },
      logger,
    );
    return {
      readiness: async () => ({
        ...(await router.readiness()),
        redis: (await redis.ping().catch(() => 'down')) === 'PONG',
        nats: !nc.isClosed(),
        sip: app.connected(),
      }),
      drain: () => router.drain(env.CALL_DRAIN_TIMEOUT_MS),
      stop: async () => {
        await api.close();
        await router.stop();
        publisher.close();
        await commandSub.drain().catch(() => undefined);
        app.disconnect();
        webhook.close();
        await config.close();
      },
    };
  },
});
