/** What the sequencer tells its caller to do next. */
export type SequencerDecision =
  /** Create a job for `id` (generation `gen`) after `delayMs`. */
  | { action: 'add'; id: string; gen: number; delayMs: number }
  /** Re-add the in-flight event's job; a no-op if it still exists. */
  | { action: 'kick'; id: string; gen: number }
  /**
   * The next event `id` (generation `gen`) is in flight and already begun (advance with claim):
   * deliver it now, or create its job as for `add` with no delay.
   */
  | { action: 'claimed'; id: string; gen: number; envelopeJson: string }
  /** Deliver: this job holds the call's head event. */
  | { action: 'go'; envelopeJson: string }
  /** Nothing to do (event waits behind another, call idle, already done, or job superseded). */
  | { action: 'queued' | 'idle' | 'done' | 'stale' };
