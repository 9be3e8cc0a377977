/**
 * Dialog states (RFC 3261 §12).
 *
 * ```
 *   (reliable 1xx / PRACK)        (2xx sent / received)
 *  early ───────────────────────► confirmed ──BYE/timeout──► terminated
 *    └──────────────────── non-2xx final ───────────────────────┘
 * ```
 */
export enum DialogState {
  Early = 'early',
  Confirmed = 'confirmed',
  Terminated = 'terminated',
}
