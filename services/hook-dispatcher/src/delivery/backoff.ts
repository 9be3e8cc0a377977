import { DeliveryFailure } from './delivery-failure.js';

/** Parameters of {@link retryDelay}. */
export interface BackoffParams {
  /** Delay before the first retry, before jitter, ms. */
  baseMs: number;
  /** Upper bound of any delay, ms. */
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential with
 * "equal jitter" — half of `base·2^(attempt-1)` fixed, the other half random —
 * so concurrent failures spread out, yet each delay is never shorter than the
 * previous one's lower bound. A server's `Retry-After` (RFC 9110 §10.2.3) is a
 * floor. Everything is capped at `maxMs`.
 */
export function retryDelay(
  attempt: number,
  params: BackoffParams,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(params.maxMs, params.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.min(params.maxMs, Math.max(jittered, floor));
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns ms from `nowMs`, or undefined when absent or malformed.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const text = v.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // An HTTP-date (RFC 9110 §5.6.7) always names a weekday and month; bare numbers like "-3" are not dates.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * BullMQ custom backoff strategy bound to `params` (see `settings.backoffStrategy`). Attempts
 * made before the job existed (`job.data.priorAttempts`: the first attempt made inline by the
 * intake or a chain) count toward the retry number, so the schedule is the same either way.
 */
export function backoffStrategy(params: BackoffParams) {
  return (attemptsMade: number, _type?: string, err?: Error, job?: { data?: unknown }): number => {
    const prior = (job?.data as { priorAttempts?: unknown } | undefined)?.priorAttempts;
    const made = attemptsMade + (typeof prior === 'number' && prior > 0 ? prior : 0);
    return retryDelay(made, params, err instanceof DeliveryFailure ? err.retryAfterMs : undefined);
  };
}
