/**
 * Builds a response to a request per RFC 3261 §8.2.6.2: Via (all values, in
 * order), From, To, Call-ID and CSeq are copied; a To tag is added when the
 * request had none and `toTag` is given (never on 100, §8.2.6.2).
 */
import { randomToken } from './random-token.js';
import { tagOf } from './name-addr.js';
import type { SipRequest } from './sip-request.js';
import { SipResponse } from './sip-response.js';
import type { SipMessage } from './sip-message.js';

/** Default reason phrases (RFC 3261 §21) for locally generated responses. */
export const REASON_PHRASES: Readonly<Record<number, string>> = Object.freeze({
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  505: 'Version Not Supported',
  603: 'Decline',
});

export interface MakeResponseOptions {
  /** Tag to put on To when the request's To has none; `true` generates one. Ignored for 100. */
  toTag?: string | true;
}

/** Copies the headers of §8.2.6.2 from `req` (or a partially parsed message) into a new response. */
export function makeResponse(
  req: SipRequest | SipMessage,
  status: number,
  reason = REASON_PHRASES[status] ?? '',
  options: MakeResponseOptions = {},
): SipResponse {
  const res = new SipResponse(status, reason);
  for (const h of req.headers) {
    const lower = h.name.toLowerCase();
    if (lower === 'via' || lower === 'v') res.append(h.name, h.value);
  }
  const from = req.get('from');
  if (from !== undefined) res.append('From', from);
  let to = req.get('to');
  if (to !== undefined && status > 100 && options.toTag !== undefined && tagOf(to) === undefined) {
    to = `${to};tag=${options.toTag === true ? randomToken(10) : options.toTag}`;
  }
  if (to !== undefined) res.append('To', to);
  const callId = req.get('call-id');
  if (callId !== undefined) res.append('Call-ID', callId);
  const cseq = req.get('cseq');
  if (cseq !== undefined) res.append('CSeq', cseq);
  return res;
}
