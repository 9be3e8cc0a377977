import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { AdminConnection } from './admin-connection.js';
import type { AppFrame } from './app-frame.js';

/**
 * Where {@link AppFrameDispatch} sends each kind of app frame; the server
 * supplies it at construction. A returned promise that rejects becomes
 * `NOK|<reason>` for that frame.
 */
export interface AppFrameDispatchDelegate {
  /** `sip|<txnId>|…` + response: the app answers a request it was offered (UAS layer). */
  appResponse(conn: AdminConnection, msgId: string, txnId: string, res: SipResponse): void;
  /** `sip|…|<dialogId>` + request: a request inside a dialog, or the ACK for a 2xx (dialog layer). */
  appInDialogRequest(conn: AdminConnection, msgId: string, dialogId: string, req: SipRequest): Promise<void>;
  /** `sip|<txnId>|` + CANCEL: cancels the app's own INVITE (UAC layer). */
  appCancel(conn: AdminConnection, msgId: string, txnId: string, req: SipRequest): void;
  /** `sip||[|<routeUri>]` + request: a new out-of-dialog request (UAC layer). */
  appRequest(conn: AdminConnection, msgId: string, req: SipRequest, routeUri: string | undefined): Promise<void>;
  /** A `proxy` frame (proxy layer). */
  proxyFrame(conn: AdminConnection, frame: AppFrame): void;
}
