import type { SipRequest } from './sip/sip-request.js';
import type { SipResponse } from './sip/sip-response.js';
import type { ServerTransaction } from './transaction/server-transaction.js';
import type { MessageSource } from './transport/transport-types.js';

/** Events of {@link SipStack}. Listener exceptions are caught and logged. */
export interface SipStackEvents {
  /**
   * A NEW request (not ACK, not CANCEL) with its server transaction.
   * Retransmissions are absorbed by the transaction layer. For INVITE a
   * `100 Trying` has already been sent when `autoTrying` is on.
   */
  request: [SipRequest, ServerTransaction];
  /** An ACK matching no server transaction (ACK for a 2xx: the dialog layer's business, RFC 3261 §17.2.1 / RFC 6026). */
  ack: [SipRequest, MessageSource];
  /**
   * A new CANCEL with its own (non-INVITE) server transaction, the INVITE
   * server transaction it matches per §9.2 (undefined when none, or when that
   * INVITE already sent its 2xx over UDP and is held as a compact record
   * without listeners) and the matched INVITE's key (set whenever one
   * matched). The TU answers the CANCEL (200 or 481) and the INVITE (487) itself.
   */
  cancel: [SipRequest, ServerTransaction, ServerTransaction | undefined, string | undefined];
  /** A response matching no client transaction (e.g. a 2xx retransmission after Timer M, §17.1.1.2 / RFC 6026). */
  'stray-response': [SipResponse, MessageSource];
  /** A message was dropped or answered 400 by the stack because it was malformed. */
  'parse-error': [Error, MessageSource];
}
