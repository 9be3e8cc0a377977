import type { Dialog } from '../dialog/dialog.js';
import type { SipRequest } from '../sip/sip-request.js';
import type { SipResponse } from '../sip/sip-response.js';

/** What the UAC layer calls outside itself; the server supplies it at construction. */
export interface UacLayerDelegate {
  /** A 2xx answered an INVITE the app sent in/for `d`: (re)arm its RFC 4028 session timer (dialog layer). */
  inviteAnswered(d: Dialog, req: SipRequest, res: SipResponse): void;
}
