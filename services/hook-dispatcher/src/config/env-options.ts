import { PBX_ERR_HOOK_CONFIG_INVALID } from '../errors.js';
import type { DispatcherOptions } from './dispatcher-options.js';

/**
 * Service-specific variables (`HOOK_*`) read on top of the shared `loadEnv`
 * ones (REDIS_URL, NATS_URL, HOOK_SIGNING_SECRET, HOOK_TIMEOUT_MS, API_TOKEN…).
 * Unset or empty means the documented default of {@link DispatcherOptions}.
 */
const INT_VARS: Record<string, keyof DispatcherOptions> = {
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
};

const STRING_VARS: Record<string, keyof DispatcherOptions> = {
  HOOK_SUBJECT_PREFIX: 'subjectPrefix',
  HOOK_STREAM: 'streamName',
  HOOK_CONSUMER: 'consumerName',
  HOOK_QUEUE: 'queueName',
  HOOK_KEY_PREFIX: 'keyPrefix',
};

/** Reads the `HOOK_*` variables into partial options; range checks happen in `resolveDispatcherOptions`. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): Partial<DispatcherOptions> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(INT_VARS)) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    if (!/^\d+$/.test(raw)) throw new PBX_ERR_HOOK_CONFIG_INVALID(name, `not an integer: ${JSON.stringify(raw)}`);
    out[key] = Number(raw);
  }
  for (const [name, key] of Object.entries(STRING_VARS)) {
    const raw = env[name]?.trim();
    if (raw) out[key] = raw;
  }
  return out as Partial<DispatcherOptions>;
}
