/**
 * Where a live call is, as far as other instances need to know (REST API,
 * pickup). The owning call-router moves it forward:
 *
 * ```
 *  trying ──► ringing ──► connected ──► ending
 *     └──────────┴────────────┴──────────┘ (removed when the call ends)
 * ```
 */
export const CALL_SUMMARY_STATES = ['trying', 'ringing', 'connected', 'ending'] as const;
export type CallSummaryState = (typeof CALL_SUMMARY_STATES)[number];

/** A live call's summary, shared through Redis (ARCHITECTURE "live-call summaries"). */
export interface CallSummary {
  /** The A leg's Call-ID. */
  readonly callId: string;
  /** The call-router instance that owns the call (REST hang-up goes to `dragon.calls.<instanceId>.<op>`). */
  readonly instanceId: string;
  readonly domain: string;
  readonly from: string;
  readonly to: string;
  readonly state: CallSummaryState;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly answeredAt?: number;
  /** Extensions being rung or connected, so pickup can find the call by target extension. */
  readonly extensions: readonly string[];
  /** Anything else the owner wants to publish (legs, last status…); must be JSON. */
  readonly extra?: Readonly<Record<string, unknown>>;
}
