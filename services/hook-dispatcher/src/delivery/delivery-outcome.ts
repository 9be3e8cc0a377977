/**
 * What one delivery attempt came to.
 *
 * ```
 *   attempt ──2xx──────────────────────────► Delivered
 *      │
 *      ├─network error / timeout / 408 / 429 / 5xx ──► Retryable ──(attempts left)──► attempt
 *      │                                                   └──(last attempt)──► DeadLettered
 *      └─other status (3xx, 4xx) ──► Permanent ──────────────────────────────► DeadLettered
 * ```
 */
export enum AttemptOutcome {
  Delivered = 'delivered',
  Retryable = 'retryable',
  Permanent = 'permanent',
}
