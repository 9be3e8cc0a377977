import type { SipRequest } from '../sip/sip-request.js';
import type { Via } from '../sip/via.js';
import type { MessageSource } from './transport-types.js';

/**
 * RFC 3261 §18.2.1 + RFC 3581 §4: add `received` when the sent-by host is not
 * the packet source, and fill an empty `rport` with the source port. The
 * header text is edited in place (other params keep their spelling).
 */
export function stampVia(req: SipRequest, via: Via, source: MessageSource): void {
  const needReceived = via.host !== source.address;
  const needRport = via.rport === null;
  if (!needReceived && !needRport) return;
  let text = req.get('via')!;
  if (needRport) {
    via.rport = source.port;
    text = text.replace(/;\s*rport\s*(=\s*)?(?=;|$)/i, `;rport=${source.port}`);
  }
  if (needReceived) {
    via.received = source.address;
    text = `${text.replace(/;\s*received\s*=[^;]*/i, '')};received=${source.address}`;
  }
  req.setFirst('via', text);
}
