import type { Logger } from 'pino';
import type { WEBHOOK_ENV } from '../env/base-env.js';
import type { EnvOf } from '../env/env-var.js';
import type { HookLatency } from './hook-latency.js';

/** Options of {@link createWebhookClient}; validated once and frozen. */
export interface WebhookClientOptions {
  /**
   * Per-request timeout (whole request, connect to last byte). Services pass `HOOK_TIMEOUT_MS`.
   * @defaultValue 3000
   */
  timeoutMs?: number;
  /**
   * Standard Webhooks signing secret (`HOOK_SIGNING_SECRET`); when unset no
   * `webhook-signature` header is sent. See {@link decodeSigningSecret}.
   * @defaultValue undefined (unsigned)
   */
  signingSecret?: string;
  /**
   * `User-Agent` header.
   * @defaultValue `'DragonPBX'`
   */
  userAgent?: string;
  /**
   * Idle keep-alive sockets kept per host.
   * @defaultValue 16
   */
  maxFreeSockets?: number;
  /**
   * Connections open at once per host; further calls wait for a free one
   * (the wait counts against the timeout). A bound keeps a burst of calls from
   * opening connections that then sit idle until the hook closes them.
   * @defaultValue unbounded
   */
  maxSockets?: number;
  /**
   * Which idle connection the next call takes: `lifo` (the most recently used;
   * the rest can idle out) or `fifo` (round robin, so a pool sized for bursts
   * stays open under steady traffic instead of being closed by the hook's idle
   * timeout and reopened at the next burst).
   * @defaultValue 'lifo'
   */
  scheduling?: 'fifo' | 'lifo';
  /**
   * Largest answer body read, bytes: a longer answer is aborted as it arrives (kind
   * `too-large`, `PBX_ERR_WEBHOOK_TOO_LARGE`) instead of being buffered. A CallScript or
   * RegHook answer is a few kilobytes; 1 MiB leaves room for big scripts.
   * @defaultValue 1048576
   */
  maxBodyBytes?: number;
  /** Receives one debug line per call (never the body or the signature). */
  logger?: Pick<Logger, 'debug'>;
  /** Times every call by hook (`PostOptions.hook`) and outcome; see `declareHookLatency`. */
  latency?: HookLatency;
}

/** The client options a service takes from its validated environment. */
export function webhookClientOptionsFromEnv(
  env: Pick<EnvOf<typeof WEBHOOK_ENV>, 'HOOK_TIMEOUT_MS' | 'HOOK_SIGNING_SECRET'>,
): WebhookClientOptions {
  return Object.freeze({
    timeoutMs: env.HOOK_TIMEOUT_MS,
    ...(env.HOOK_SIGNING_SECRET ? { signingSecret: env.HOOK_SIGNING_SECRET } : {}),
  });
}
