/**
 * Where one call (its caller-facing A leg) is in the CallScript engine.
 *
 * ```
 *            chain passed                 script valid
 *  Routing ───────────────► Fetching ─────────────────► Running ──── answer (200 OK) ───► Answered
 *     │                       │  ▲                        │                                │
 *     │                       │  └──── retry (count+1) ───┤                 BYE either way │
 *     │ final response        │ final response            │ final response                 ▼
 *     │ (401/403/404/…)       │ (480/500)                 │ (response verb, 604)         HungUp
 *     ├───────────────────────┴───────────► Responded ◄───┘                                │
 *     │                                        │                                           │
 *     │ caller CANCEL (from Routing,           ▼                                           │
 *     │ Fetching or Running)                 Ended ◄───────────────────────────────────────┘
 *     └──────────────────────► Cancelled ──────┘
 * ```
 *
 * From `Responded`, `Cancelled`, `Answered` and `HungUp` on, the caller's
 * INVITE transaction is over: no other final response may be sent. In
 * `Answered` the script still runs (verbs act on the established call); in
 * `Responded`, `Cancelled` and `HungUp` nothing more runs. `Ended` is reached
 * once every resource of the call has been released.
 */
export enum CallState {
  /** INVITE received; domain, source, authentication and dialplan steps running. */
  Routing = 'routing',
  /** Waiting for the CallHook (or rendering its `file:` template). */
  Fetching = 'fetching',
  /** Executing the CallScript's verbs; the caller has had no final response yet. */
  Running = 'running',
  /** The caller got a 200 OK: the A-leg dialog is up and the script goes on. */
  Answered = 'answered',
  /** A final non-2xx response was sent to the caller. */
  Responded = 'responded',
  /** The caller CANCELled; the SIP server answered 487 for us. */
  Cancelled = 'cancelled',
  /** The answered A leg is gone (BYE from the caller, or ours when the script ran out). */
  HungUp = 'hungup',
  /** Everything released. */
  Ended = 'ended',
}

/** The diagram above as data: the states each state may move to. */
export const CALL_TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = Object.freeze({
  [CallState.Routing]: [CallState.Fetching, CallState.Responded, CallState.Cancelled],
  [CallState.Fetching]: [CallState.Running, CallState.Responded, CallState.Cancelled],
  [CallState.Running]: [CallState.Fetching, CallState.Answered, CallState.Responded, CallState.Cancelled],
  [CallState.Answered]: [CallState.HungUp],
  [CallState.Responded]: [CallState.Ended],
  [CallState.Cancelled]: [CallState.Ended],
  [CallState.HungUp]: [CallState.Ended],
  [CallState.Ended]: [],
});

/** States in which the caller's INVITE can no longer get a final response. */
export const TRANSACTION_OVER: ReadonlySet<CallState> = new Set([
  CallState.Answered,
  CallState.Responded,
  CallState.Cancelled,
  CallState.HungUp,
  CallState.Ended,
]);

/** States in which no further verb may run. */
export const CALL_OVER: ReadonlySet<CallState> = new Set([CallState.Responded, CallState.Cancelled, CallState.HungUp, CallState.Ended]);
