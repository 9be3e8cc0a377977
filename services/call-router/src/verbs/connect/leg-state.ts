import { PBX_ERR_CALL_TRANSITION } from '../../call-router-errors.js';

/**
 * One forked B leg of a `connect` (docs/contract.md §4.2).
 *
 * ```
 *  Calling ──180/183──► Ringing ──200──► Answered ──BYE (either side)──► Ended
 *     │  └──────────────200───────────────┘
 *     ├──────────── non-2xx final ─────────────► Failed
 *     └── timeout / other leg won / caller left ─► Cancelling ──487──► Cancelled
 *                                                     │
 *                                                     └─ late 200: ACK + BYE ─► Cancelled
 * ```
 */
export enum LegState {
  Calling = 'calling',
  Ringing = 'ringing',
  Answered = 'answered',
  Failed = 'failed',
  Cancelling = 'cancelling',
  Cancelled = 'cancelled',
  Ended = 'ended',
}

export const LEG_TRANSITIONS: Readonly<Record<LegState, readonly LegState[]>> = Object.freeze({
  [LegState.Calling]: [LegState.Ringing, LegState.Answered, LegState.Failed, LegState.Cancelling],
  [LegState.Ringing]: [LegState.Answered, LegState.Failed, LegState.Cancelling],
  [LegState.Answered]: [LegState.Ended],
  [LegState.Failed]: [],
  [LegState.Cancelling]: [LegState.Cancelled],
  [LegState.Cancelled]: [],
  [LegState.Ended]: [],
});

/** Throws `PBX_ERR_CALL_TRANSITION` unless the diagram has the edge `from → to`. */
export function assertLegTransition(from: LegState, to: LegState): void {
  if (!LEG_TRANSITIONS[from].includes(to)) throw new PBX_ERR_CALL_TRANSITION(`leg ${from}`, to);
}
