import { bracketAddr } from '../sip/bracket-addr.js';
import { parseCSeq } from '../sip/cseq.js';
import { tagOf } from '../sip/name-addr.js';
import { newBranch, randomToken } from '../sip/random-token.js';
import { SipRequest } from '../sip/sip-request.js';
import type { BoundContact } from '../transport/transport-types.js';
import { replaceLocalhost, startsWithSdp } from '../uas/build-response.js';
import { copyAppHeaders } from './app-headers.js';
import { contactUri, localHostport, viaFor } from './local-contact.js';
import { NokError } from './uac-errors.js';

const FILLED = new Set(['from', 'to', 'call-id', 'cseq', 'max-forwards', 'contact', 'content-type']);

/** Random initial CSeq below 2^31 (RFC 3261 §8.1.1.5; sofia does not start at 1). */
export function initialCseq(): number {
  return 1 + Math.floor(Math.random() * 0x3fffffff);
}

/**
 * Builds a new out-of-dialog request from an app's request (docs/drachtio-protocol.md §4.3):
 * Via with branch + rport, Max-Forwards 70, From with tag (default: our
 * contact), To = request-URI, Call-ID, CSeq, Contact for INVITE/SUBSCRIBE,
 * Content-Type for SDP. The app's Call-ID, From tag and CSeq are kept (digest
 * retries reuse them).
 * @throws NokError `missing content-type` for a non-SDP body without Content-Type.
 */
export function buildOutOfDialogRequest(app: SipRequest, local: BoundContact): SipRequest {
  const hp = localHostport(local);
  const req = new SipRequest(app.method, app.uri);
  req.append('Via', viaFor(local, newBranch()));
  req.append('Max-Forwards', app.get('max-forwards') ?? '70');
  const appFrom = app.get('from');
  let from = appFrom === undefined ? `<${contactUri(local)}>` : replaceLocalhost(appFrom, hp);
  if (tagOf(from) === undefined) from = `${from};tag=${randomToken(12)}`;
  req.append('From', from);
  const appTo = app.get('to');
  req.append('To', appTo === undefined ? `<${app.uri}>` : replaceLocalhost(appTo, hp));
  req.append('Call-ID', app.get('call-id') ?? `${randomToken(16)}`);
  let seq = initialCseq();
  const appCseq = app.get('cseq');
  if (appCseq !== undefined) {
    try {
      seq = parseCSeq(appCseq).seq;
    } catch {
      /* malformed: use our own */
    }
  }
  req.append('CSeq', `${seq} ${app.method}`);
  const appContact = app.get('contact');
  if (appContact !== undefined) req.append('Contact', bracketAddr(replaceLocalhost(appContact, hp)));
  else if (app.method === 'INVITE' || app.method === 'SUBSCRIBE') req.append('Contact', `<${contactUri(local)}>`);
  copyAppHeaders(app, req, FILLED, hp);
  applyBody(app, req);
  return req;
}

/** Copies the body and Content-Type, detecting SDP (docs/drachtio-protocol.md §4.3). */
export function applyBody(app: SipRequest, req: SipRequest): void {
  req.body = app.body;
  const type = app.get('content-type');
  if (type !== undefined) req.append('Content-Type', type);
  else if (startsWithSdp(app.body)) req.append('Content-Type', 'application/sdp');
  else if (app.body.length > 0) throw new NokError('missing content-type');
}
