import { PBX_ERR_CALL_TRANSITION } from '../call-router-errors.js';
import { CALL_OVER, CALL_TRANSITIONS, CallState, TRANSACTION_OVER } from './call-state.js';

/** Listener of state changes; a throwing listener is contained (it cannot break the call). */
export type TransitionListener = (from: CallState, to: CallState) => void;

/**
 * The per-call state machine ({@link CallState}). Every move is checked
 * against {@link CALL_TRANSITIONS}; an illegal one throws
 * `PBX_ERR_CALL_TRANSITION`, which is always a bug in the engine.
 */
export class CallStateMachine {
  #state: CallState = CallState.Routing;
  readonly #listeners: TransitionListener[] = [];
  readonly #onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  get state(): CallState {
    return this.#state;
  }

  /** True once no further verb may run (responded, cancelled, hung up, ended). */
  get finished(): boolean {
    return CALL_OVER.has(this.#state);
  }

  /** True once the caller's INVITE can get no other final response (answered or finished). */
  get transactionOver(): boolean {
    return TRANSACTION_OVER.has(this.#state);
  }

  can(to: CallState): boolean {
    return CALL_TRANSITIONS[this.#state].includes(to);
  }

  /** Moves to `to`; throws `PBX_ERR_CALL_TRANSITION` when the diagram has no such edge. */
  transition(to: CallState): void {
    const from = this.#state;
    if (!this.can(to)) throw new PBX_ERR_CALL_TRANSITION(from, to);
    this.#state = to;
    for (const l of this.#listeners) {
      try {
        l(from, to);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }

  onTransition(listener: TransitionListener): void {
    this.#listeners.push(listener);
  }
}
