import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { AppFrame } from '../drachtio/app-frame.js';
import type { BridgeContext } from '../drachtio/bridge-context.js';
import { nokAnswer } from '../drachtio/server-frames.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';

/**
 * Stateful proxy for `proxy` frames (reference §3.5, §3.9, §4.13).
 */
export class ProxyLayer {
  constructor(private readonly ctx: BridgeContext) {}

  /** A new request from the network; true when the proxy consumed it (Route to us of a record-routed dialog). */
  onRequest(_req: SipRequest, _txn: ServerTransaction): boolean {
    return false;
  }

  /** An ACK for a 2xx of a proxied call; true when consumed. */
  onAck(_ack: SipRequest): boolean {
    return false;
  }

  /** A response matching no transaction; true when consumed. */
  onStrayResponse(_res: SipResponse): boolean {
    return false;
  }

  /** CANCEL for an INVITE being proxied; true when consumed. */
  onCancel(_cancel: SipRequest, _cancelTxn: ServerTransaction, _inviteTxn: ServerTransaction): boolean {
    return false;
  }

  onProxyFrame(conn: AdminConnection, frame: AppFrame): void {
    const txnId = frame.tokens[2] ?? '';
    if (!this.ctx.incoming.has(txnId)) {
      conn.respond(frame.msgId, nokAnswer(`Unknown transaction id: ${txnId}`));
      return;
    }
    conn.respond(frame.msgId, nokAnswer('proxy is not supported'));
  }
}
