import type { AttemptOutcome } from './delivery-outcome.js';

/**
 * A failed attempt. Thrown from the BullMQ processor for a retryable failure so
 * BullMQ schedules the next attempt; the backoff strategy reads `retryAfterMs`.
 */
export class DeliveryFailure extends Error {
  readonly outcome: AttemptOutcome.Retryable | AttemptOutcome.Permanent;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Server's `Retry-After`, in ms from now, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** Short machine-readable reason: `http_503`, `timeout`, `ECONNREFUSED`, … */
  readonly reason: string;

  constructor(
    outcome: AttemptOutcome.Retryable | AttemptOutcome.Permanent,
    reason: string,
    message: string,
    status?: number,
    retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
    this.outcome = outcome;
    this.reason = reason;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}
