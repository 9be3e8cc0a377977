/**
 * States of the four RFC 3261 §17 transaction state machines (with the
 * RFC 6026 `accepted` state for INVITE 2xx).
 *
 * INVITE client (§17.1.1, RFC 6026 §7.2):
 * ```
 *            INVITE sent
 *   calling --1xx--> proceeding
 *     | |               |  \--2xx--> accepted --Timer M--> terminated
 *     | |               '--300-699 (send ACK)--> completed --Timer D--> terminated
 *     | '--2xx--> accepted ;  300-699 --> completed
 *     '--Timer B / transport error--> terminated (timeout / transport-error)
 * ```
 * non-INVITE client (§17.1.2):
 * ```
 *   trying --1xx--> proceeding --200-699--> completed --Timer K--> terminated
 *     '--200-699--> completed;  Timer F / transport error --> terminated
 * ```
 * INVITE server (§17.2.1, RFC 6026 §7.1):
 * ```
 *   proceeding --2xx--> accepted --Timer L--> terminated
 *     '--300-699--> completed --ACK--> confirmed --Timer I--> terminated
 *                      '--Timer H (no ACK)--> terminated (timeout)
 * ```
 * non-INVITE server (§17.2.2):
 * ```
 *   trying --1xx--> proceeding --200-699--> completed --Timer J--> terminated
 *     '--200-699--> completed
 * ```
 */
export enum TransactionState {
  Calling = 'calling',
  Trying = 'trying',
  Proceeding = 'proceeding',
  Accepted = 'accepted',
  Completed = 'completed',
  Confirmed = 'confirmed',
  Terminated = 'terminated',
}
