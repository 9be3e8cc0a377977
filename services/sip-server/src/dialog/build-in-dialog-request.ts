import { bracketAddr } from '../sip/bracket-addr.js';
import { newBranch } from '../sip/random-token.js';
import { SipRequest } from '../sip/sip-request.js';
import { copyAppHeaders } from '../uac/app-headers.js';
import { applyBody } from '../uac/build-request.js';
import { localHostport, viaFor } from '../uac/local-contact.js';
import type { Dialog } from './dialog.js';

const FILLED = new Set(['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-type']);
/** Methods that carry the dialog's Contact (docs/drachtio-protocol.md §4.3 in-dialog). */
const WITH_CONTACT = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'UPDATE']);

/**
 * Builds a request inside `dialog` from an app's request (RFC 3261 §12.2.1.1,
 * docs/drachtio-protocol.md §4.3): request-URI = remote target (the app's `sip:placeholder`
 * and any ACK URI are replaced), Route = route set, From/To with both tags,
 * CSeq = local CSeq + 1 (the INVITE's number for ACK), Contact for
 * INVITE/SUBSCRIBE/REFER/UPDATE unless the app gave one.
 * Mutates `dialog.localCseq` for non-ACK requests.
 */
export function buildInDialogRequest(app: SipRequest, dialog: Dialog): SipRequest {
  const method = app.method;
  const req = new SipRequest(method, dialog.remoteTarget);
  req.append('Via', viaFor(dialog.local, newBranch()));
  req.append('Max-Forwards', app.get('max-forwards') ?? '70');
  for (const r of dialog.routeSet) req.append('Route', bracketAddr(r));
  req.append('From', dialog.localHeader);
  req.append('To', dialog.remoteHeader);
  req.append('Call-ID', dialog.callId);
  let seq: number;
  if (method === 'ACK') seq = dialog.inviteCseq;
  else seq = ++dialog.localCseq;
  req.append('CSeq', `${seq} ${method}`);
  const skip = new Set(FILLED);
  if (WITH_CONTACT.has(method) && !app.has('contact')) req.append('Contact', bracketAddr(dialog.localContact));
  if (!WITH_CONTACT.has(method) && method !== 'NOTIFY') skip.add('contact');
  copyAppHeaders(app, req, skip, localHostport(dialog.local));
  applyBody(app, req);
  return req;
}
