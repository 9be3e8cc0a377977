import type { SipResponse } from '../sip/sip-response.js';
import type { SentInfo } from '../transport/transport-types.js';

/** Events of a {@link ServerTransaction}. */
export interface ServerTransactionEvents {
  /** The transaction reached `terminated` and was removed from the stack. */
  terminated: [];
  /** Timer H fired: no ACK for a non-2xx final (§17.2.1). */
  timeout: [];
  /** A response could not be sent (§17.2.4: TU is informed). */
  'transport-error': [Error];
}

/** Events of a {@link ClientTransaction}. */
export interface ClientTransactionEvents {
  /** The request was (first) written to the network; `info.data` is the exact bytes. */
  sent: [SentInfo];
  /**
   * Every response the TU should see: each 1xx (except 100, which is
   * absorbed), the first final, and 2xx from other forks (different To tag).
   */
  response: [SipResponse];
  /** RFC 6026 `accepted`: a retransmission of a 2xx already reported (dialog layer re-ACKs). */
  retransmission: [SipResponse];
  /** Timer B/F (or C) fired without a final response; the TU synthesises 408 (§8.1.3.1). */
  timeout: [];
  /** Sending failed (DNS, connect, write); TU synthesises 503 (§8.1.3.1). */
  'transport-error': [Error];
  terminated: [];
}
