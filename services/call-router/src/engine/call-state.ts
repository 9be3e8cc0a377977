/**
 * Where one call (its caller-facing A leg) is in the CallScript engine.
 *
 * ```
 *            chain passed                 script valid
 *  Routing ───────────────► Fetching ─────────────────► Running
 *     │                       │  ▲                        │
 *     │                       │  └──── retry (count+1) ───┤
 *     │ final response        │ final response            │ final response
 *     │ (401/403/404/…)       │ (480/500)                 │ (response verb, 604)
 *     ├───────────────────────┴───────────► Responded ◄───┘
 *     │                                        │
 *     │ caller CANCEL (from Routing,           │
 *     │ Fetching or Running)                   ▼
 *     └──────────────────────► Cancelled ───► Ended
 * ```
 *
 * `Responded` and `Cancelled` both mean the caller's INVITE transaction is
 * over: nothing more may be sent to it. `Ended` is reached once every
 * resource of the call has been released.
 */
export enum CallState {
  /** INVITE received; domain, source, authentication and dialplan steps running. */
  Routing = 'routing',
  /** Waiting for the CallHook (or rendering its `file:` template). */
  Fetching = 'fetching',
  /** Executing the CallScript's verbs. */
  Running = 'running',
  /** A final response was sent to the caller. */
  Responded = 'responded',
  /** The caller CANCELled; the SIP server answered 487 for us. */
  Cancelled = 'cancelled',
  /** Everything released. */
  Ended = 'ended',
}

/** The diagram above as data: the states each state may move to. */
export const CALL_TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = Object.freeze({
  [CallState.Routing]: [CallState.Fetching, CallState.Responded, CallState.Cancelled],
  [CallState.Fetching]: [CallState.Running, CallState.Responded, CallState.Cancelled],
  [CallState.Running]: [CallState.Fetching, CallState.Responded, CallState.Cancelled],
  [CallState.Responded]: [CallState.Ended],
  [CallState.Cancelled]: [CallState.Ended],
  [CallState.Ended]: [],
});
