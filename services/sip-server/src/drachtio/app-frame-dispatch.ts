import type { DialogLayer } from '../dialog/dialog-layer.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';
import type { UacLayer } from '../uac/uac-layer.js';
import type { UasLayer } from '../uas/uas-layer.js';
import type { AdminConnection } from './admin-connection.js';
import type { AppFrame } from './app-frame.js';
import { parseAppSipMessage } from './app-sip-message.js';
import { nokAnswer } from './server-frames.js';

/** Handles `proxy` frames (set when the proxy layer is wired). */
export interface ProxyFrameHandler {
  onProxyFrame(conn: AdminConnection, frame: AppFrame): void;
}

/**
 * Routes an app `sip` frame by (start line, txnId, dialogId) as in
 * reference §3.4; every failure becomes `NOK|<reason>` for that frame only.
 */
export class AppFrameDispatch {
  proxy: ProxyFrameHandler | undefined;

  constructor(
    private readonly uas: UasLayer,
    private readonly uac: UacLayer,
    private readonly dialogs: DialogLayer,
  ) {}

  onFrame(conn: AdminConnection, frame: AppFrame): void {
    if (frame.type === 'proxy') {
      if (this.proxy) this.proxy.onProxyFrame(conn, frame);
      else conn.respond(frame.msgId, nokAnswer('proxy is not supported'));
      return;
    }
    const txnId = frame.tokens[2] ?? '';
    const dialogId = frame.tokens[3] ?? '';
    const routeUri = frame.tokens[4] ?? '';
    if (!frame.sip || frame.sip.length === 0) {
      conn.respond(frame.msgId, nokAnswer('Invalid message format'));
      return;
    }
    let msg: SipRequest | SipResponse;
    try {
      msg = parseAppSipMessage(frame.sip);
    } catch (err) {
      conn.respond(frame.msgId, nokAnswer((err as Error).message.replace(/^invalid drachtio frame: /, '')));
      return;
    }
    const fail = (err: unknown) => conn.respond(frame.msgId, nokAnswer((err as Error).message ?? String(err)));
    if (!msg.isRequest) {
      if (txnId === '') {
        conn.respond(frame.msgId, nokAnswer('transaction id missing'));
        return;
      }
      this.uas.onAppResponse(conn, frame.msgId, txnId, msg as SipResponse);
      return;
    }
    const req = msg as SipRequest;
    if (dialogId !== '') {
      this.dialogs.onAppRequest(conn, frame.msgId, dialogId, req).catch(fail);
    } else if (req.method === 'CANCEL' && txnId !== '') {
      this.uac.onAppCancel(conn, frame.msgId, txnId, req);
    } else if (txnId !== '') {
      conn.respond(frame.msgId, nokAnswer('Invalid message format'));
    } else {
      this.uac.onAppRequest(conn, frame.msgId, req, routeUri === '' ? undefined : routeUri).catch(fail);
    }
  }
}
