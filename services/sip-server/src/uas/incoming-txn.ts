import type { Dialog } from '../dialog/dialog.js';
import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';

/**
 * A request from the network that was handed to an application and awaits
 * its response(s), keyed by the drachtio txnId we allocated.
 */
export interface IncomingTxn {
  readonly txnId: string;
  readonly conn: AdminConnection;
  readonly txn: ServerTransaction;
  readonly req: SipRequest;
  /** The dialog an in-dialog request belongs to. */
  readonly dialog: Dialog | undefined;
  /** `Call-ID;from-tag=…` for INVITE/SUBSCRIBE and in-dialog requests, else ''. */
  readonly dialogId: string;
  /** Our To-tag, fixed by the first response (INVITE/SUBSCRIBE outside a dialog). */
  localTag: string | undefined;
  /** A provisional (>100) has been sent. */
  provisionalSent: boolean;
  /** Forget-after timer for requests the app never answers (docs/drachtio-protocol.md §4.2). */
  timer: NodeJS.Timeout | undefined;
  /**
   * The `terminated` listener on {@link txn}; removed when the record is
   * forgotten, so a finished transaction lingering through Timer J/L does not
   * keep the record, its request and dialog alive.
   */
  onTerminated?: () => void;
}
