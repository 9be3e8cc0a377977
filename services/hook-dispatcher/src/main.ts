import { runService } from '@dragonpbx/shared/platform';
import { dispatcherOptionsFromEnv } from './config/env-options.js';
import { HOOK_DISPATCHER_ENV } from './config/hook-dispatcher-env.js';
import { HookDispatcher } from './dispatcher.js';
import { addDeadLetterRoutes } from './http/admin-server.js';

/**
 * Runs one hook-dispatcher replica from the environment (variables: README):
 * `node --import tsx services/hook-dispatcher/src/main.ts`.
 * `METRICS_PORT` (alias `HOOK_HTTP_PORT`; default 3004, 0 = ephemeral) serves
 * /healthz, /readyz, /metrics and /deadletters.
 */
await runService({
  name: 'hook-dispatcher',
  env: HOOK_DISPATCHER_ENV,
  defaultOpsPort: 3004,
  build: async ({ env, logger, metrics, infra }) => {
    const options = {
      ...dispatcherOptionsFromEnv(env),
      signingSecret: env.HOOK_SIGNING_SECRET ?? '',
      requestTimeoutMs: env.HOOK_TIMEOUT_MS,
    };
    const redis = infra.redis({ purpose: 'queue' });
    const nats = await infra.nats();
    const dispatcher = new HookDispatcher({ redis, nats, logger, registry: metrics.registry }, options);
    await dispatcher.start();
    return {
      readiness: () => dispatcher.readiness(),
      routes: (app) => addDeadLetterRoutes(app, dispatcher, { ...(env.API_TOKEN && { apiToken: env.API_TOKEN }) }),
      stop: () => dispatcher.stop(),
    };
  },
});
