import { IMMUTABLE_HEADERS, isSafeHeaderValue, wireHeaderName } from '../drachtio/header-names.js';
import { bracketAddr } from '../sip/bracket-addr.js';
import { headerKey } from '../sip/compact-forms.js';
import { tagOf } from '../sip/name-addr.js';
import type { SipRequest } from '../sip/sip-request.js';
import { SipResponse } from '../sip/sip-response.js';

/** Headers copied from the request, never from the app (RFC 3261 §8.2.6.2). */
const FROM_REQUEST = new Set(['from', 'to', 'call-id', 'cseq']);

export interface BuildResponseOptions {
  /** Local To-tag; undefined for a 100 or when the request's To already has a tag. */
  toTag: string | undefined;
  /** Contact to add when the app gave none (2xx/reliable 1xx to INVITE/SUBSCRIBE). */
  contact: string | undefined;
  /** Rewrites `@localhost` in From/To/Contact/P-Asserted-Identity. */
  localHostport: string;
}

/**
 * Fills an app's response for an incoming request (docs/drachtio-protocol.md §4.4):
 * Via/From/To/Call-ID/CSeq come from the request, the To-tag is added, the
 * app's other headers follow in its order (Via, Route, Record-Route, RSeq,
 * Content-Length dropped), then Contact and Content-Type when missing.
 */
export function buildResponse(req: SipRequest, app: SipResponse, opts: BuildResponseOptions): SipResponse {
  const res = new SipResponse(app.status, app.reason);
  for (const h of req.headers) if (headerKey(h.name) === 'via') res.append(h.name, h.value);
  res.append('From', req.get('from') ?? '');
  let to = req.get('to') ?? '';
  if (opts.toTag !== undefined && app.status > 100 && tagOf(to) === undefined) to = `${to};tag=${opts.toTag}`;
  res.append('To', to);
  res.append('Call-ID', req.get('call-id') ?? '');
  res.append('CSeq', req.get('cseq') ?? '');
  let hasContact = false;
  let hasType = false;
  for (const h of app.headers) {
    const key = headerKey(h.name);
    if (FROM_REQUEST.has(key) || IMMUTABLE_HEADERS.has(key)) continue;
    const name = wireHeaderName(h.name);
    if (name === undefined || !isSafeHeaderValue(h.value)) continue;
    let value = h.value;
    if (key === 'contact') {
      hasContact = true;
      value = bracketAddr(replaceLocalhost(value, opts.localHostport));
    } else if (key === 'record-route') {
      value = bracketAddr(value);
    } else if (key === 'p-asserted-identity') value = replaceLocalhost(value, opts.localHostport);
    if (key === 'content-type') hasType = true;
    res.append(name, value);
  }
  if (!hasContact && opts.contact !== undefined) res.append('Contact', opts.contact);
  res.body = app.body;
  if (!hasType && startsWithSdp(app.body)) res.append('Content-Type', 'application/sdp');
  return res;
}

/** The To-tag an app forced (`To: tag=…` or a full To with a tag), if any (docs/drachtio-protocol.md §4.4). */
export function appForcedToTag(app: SipResponse): string | undefined {
  const to = app.get('to');
  if (to === undefined) return undefined;
  const m = /(?:^|;)\s*tag=([^;>\s]+)/i.exec(to);
  return m?.[1];
}

/** Whether `body` is an SDP (starts with `v=0`, docs/drachtio-protocol.md §4.3). */
export function startsWithSdp(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0x76 && body[1] === 0x3d && body[2] === 0x30;
}

/** `sip:user@localhost[:port]` → `sip:user@<hostport>` (docs/drachtio-protocol.md §4.3). */
export function replaceLocalhost(value: string, hostport: string): string {
  if (value.indexOf('@localhost') < 0) return value;
  return value.replace(/@localhost(?::\d+)?/g, `@${hostport}`);
}
