import type { SipTimers } from '../timers.js';
import type { Destination, SentInfo } from '../transport/transport-types.js';
import type { StackLogger } from '../stack-logger.js';
import type { ServerTransaction } from './server-transaction.js';

/** What a transaction needs from the stack (passed in, so transactions stay testable). */
export interface TransactionContext {
  readonly timers: SipTimers;
  readonly logger: StackLogger;
  /** Writes bytes; `cb` gets the error or what was sent. */
  send(data: Buffer, destination: Destination, cb: (err: Error | undefined, info?: SentInfo) => void): void;
  /** Called once when a transaction terminates, to drop it (or the record standing for it) from the stack's maps. */
  removeTransaction(key: string, kind: 'server' | 'client', txn?: object): void;
  /**
   * A UDP server transaction entered completed (non-INVITE) or accepted
   * (INVITE): the stack may replace it in its map with a compact record that
   * re-sends `resendBytes` on request retransmissions and expires after
   * `delay` ms. Returns the expiry (`performance.now()` clock), or 0 when the
   * transaction must run its own timer.
   */
  retireServer?(txn: ServerTransaction, resendBytes: Buffer | undefined, delay: number): number;
  /** Keep (`true`) or stop keeping a retired server transaction until its record expires. */
  pinServer?(txn: ServerTransaction, pinned: boolean): void;
}
