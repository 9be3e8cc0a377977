import type { StackLogger } from './stack-logger.js';
import type { SipTimerInput } from './timers.js';
import type { ListenContact } from './transport/transport-types.js';

/** Options of {@link SipStack}; validated once and frozen by the constructor. */
export interface SipStackOptions {
  /** Listening points. @defaultValue one UDP and one TCP contact on 0.0.0.0:5060 */
  contacts?: ReadonlyArray<ListenContact>;
  /** T1/T2/T4/Timer C. @defaultValue T1 500, T2 4000, T4 5000, C 185000 (ms) */
  timers?: SipTimerInput;
  /** Answer every new INVITE with `100 Trying` immediately (drachtio-server does). @defaultValue true */
  autoTrying?: boolean;
  /** Largest message accepted on TCP (bytes). @defaultValue 4194304 */
  maxMessageBytes?: number;
  /** Close TCP connections idle (no traffic, no alias) for this long (ms); 0 disables. @defaultValue 300000 */
  tcpIdleTimeout?: number;
  /** Logger. @defaultValue warnings/errors on stderr */
  logger?: StackLogger;
}
