import type { Dialog } from '../dialog/dialog.js';
import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { ClientTransaction } from '../transaction/client-transaction.js';
import type { BoundContact } from '../transport/transport-types.js';

/** A request an application sent, keyed by the txnId returned in its `Msg sent:` echo. */
export interface OutgoingTxn {
  readonly txnId: string;
  readonly conn: AdminConnection;
  readonly txn: ClientTransaction;
  readonly req: SipRequest;
  readonly local: BoundContact;
  /** dialogId announced with responses (INVITE/SUBSCRIBE and in-dialog requests), else ''. */
  readonly dialogId: string;
  /** Dialog the request was sent in, if any. */
  readonly dialog: Dialog | undefined;
  /** The app asked to CANCEL it (docs/drachtio-protocol.md §4.5 ACK-BYE race). */
  cancelled: boolean;
  /** CANCEL waiting for a provisional (docs/drachtio-protocol.md §4.5: held until 1xx). */
  pendingCancel: SipRequest | undefined;
  /** A provisional has been received. */
  provisional: boolean;
  /** The echo was written (responses must follow it, docs/drachtio-protocol.md §4.10). */
  echoed: boolean;
  /** Frames to deliver after the echo. */
  queued: Array<() => void>;
  /** Drops the in-progress INVITE index entry (on final / termination). */
  release: (() => void) | undefined;
}
