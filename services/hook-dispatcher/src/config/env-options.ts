import { type EnvOf, parseEnv } from '@dragonpbx/shared/platform';
import type { DispatcherOptions } from './dispatcher-options.js';
import { HOOK_OPTION_ENV } from './hook-dispatcher-env.js';

/** Variable → option. */
const OPTION_OF: Record<keyof typeof HOOK_OPTION_ENV, keyof DispatcherOptions> = {
  HOOK_MAX_ATTEMPTS: 'maxAttempts',
  HOOK_BACKOFF_BASE_MS: 'backoffBaseMs',
  HOOK_BACKOFF_MAX_MS: 'backoffMaxMs',
  HOOK_CONCURRENCY: 'concurrency',
  HOOK_HOST_CONCURRENCY: 'hostConcurrency',
  HOOK_REORDER_WINDOW_MS: 'reorderWindowMs',
  HOOK_LOCK_MS: 'lockDurationMs',
  HOOK_INTAKE_CONCURRENCY: 'intakeConcurrency',
  HOOK_STREAM_MAX_AGE_MS: 'streamMaxAgeMs',
  HOOK_STREAM_MAX_BYTES: 'streamMaxBytes',
  HOOK_STREAM_REPLICAS: 'streamReplicas',
  HOOK_STREAM: 'streamName',
  HOOK_CONSUMER: 'consumerName',
  HOOK_QUEUE: 'queueName',
  HOOK_KEY_PREFIX: 'keyPrefix',
};

/** The parsed `HOOK_*` variables (plus the subject prefix) as partial options: only those that were set. */
export function dispatcherOptionsFromEnv(
  env: EnvOf<typeof HOOK_OPTION_ENV> & { readonly NATS_SUBJECT_PREFIX?: string },
): Partial<DispatcherOptions> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(OPTION_OF)) {
    const v = env[name as keyof typeof HOOK_OPTION_ENV];
    if (v !== undefined) out[key] = v;
  }
  if (env.NATS_SUBJECT_PREFIX) out.subjectPrefix = env.NATS_SUBJECT_PREFIX;
  return out as Partial<DispatcherOptions>;
}

/**
 * Reads the `HOOK_*` variables of `vars` into partial options (unset or empty
 * means the documented default of {@link DispatcherOptions}).
 * @throws PBX_ERR_ENV_INVALID naming the bad variable
 */
export function optionsFromEnv(vars: Readonly<Record<string, string | undefined>>): Partial<DispatcherOptions> {
  return dispatcherOptionsFromEnv(parseEnv(HOOK_OPTION_ENV, vars));
}
