import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { NextHop } from '../drachtio/bridge-context.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { IncomingTxn } from '../uas/incoming-txn.js';
import type { Dialog } from './dialog.js';

/**
 * What the dialog layer calls outside itself; the server supplies it at
 * construction. It breaks the dialog ↔ UAS/UAC cycle: the dialog layer
 * hands in-dialog transactions to the layers that own transactions without
 * holding those layers.
 */
export interface DialogLayerDelegate {
  /** An in-dialog request from the network is offered to the app: keep it for the app's answer (UAS layer). */
  trackIncoming(rec: IncomingTxn): void;
  /** Sends an app's in-dialog request as a tracked client transaction (UAC layer). */
  sendInDialog(conn: AdminConnection, msgId: string, req: SipRequest, hop: NextHop, d: Dialog): void;
}
