import type { Dialog } from '../dialog/dialog.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import type { IncomingTxn } from './incoming-txn.js';

/**
 * What the UAS layer calls outside itself; the server supplies it at
 * construction. Dialog state is the dialog layer's, CANCELs of proxied
 * INVITEs are the proxy layer's: the UAS layer reaches neither directly.
 */
export interface UasLayerDelegate {
  /** A request from the network inside the known dialog `d` (dialog layer). */
  inDialogRequest(req: SipRequest, txn: ServerTransaction, d: Dialog): void;
  /** The app's reliable provisional (RFC 3262) was sent: the early dialog exists (dialog layer). */
  reliableProvisionalSent(rec: IncomingTxn, res: SipResponse): void;
  /** The app's 2xx to INVITE/SUBSCRIBE was sent: create or confirm the dialog (dialog layer). */
  dialogFormingSuccessSent(rec: IncomingTxn, res: SipResponse): void;
  /** A dialog-forming INVITE ended without a 2xx: its early dialog goes (dialog layer). */
  inviteFailed(rec: IncomingTxn, localTag: string | undefined): void;
  /**
   * Seen before the UAS decides on a CANCEL; true when it was handled
   * (a proxied INVITE's CANCEL, proxy layer). `inviteKey`: the matched INVITE
   * server transaction's id.
   */
  interceptCancel(cancel: SipRequest, cancelTxn: ServerTransaction, inviteKey: string): boolean;
}
