import type { SipTimers } from '../timers.js';
import type { Destination, SentInfo } from '../transport/transport-types.js';
import type { StackLogger } from '../stack-logger.js';

/** What a transaction needs from the stack (passed in, so transactions stay testable). */
export interface TransactionContext {
  readonly timers: SipTimers;
  readonly logger: StackLogger;
  /** Writes bytes; `cb` gets the error or what was sent. */
  send(data: Buffer, destination: Destination, cb: (err: Error | undefined, info?: SentInfo) => void): void;
  /** Called once when a transaction terminates, to drop it from the stack's maps. */
  removeTransaction(key: string, kind: 'server' | 'client'): void;
}
