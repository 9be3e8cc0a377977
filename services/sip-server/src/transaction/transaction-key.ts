/**
 * Transaction matching keys (RFC 3261 §17.1.3, §17.2.3).
 */
import { tagOf } from '../sip/name-addr.js';
import type { SipRequest } from '../sip/sip-request.js';
import { BRANCH_MAGIC_COOKIE, type Via } from '../sip/via.js';

/**
 * Server key: with an RFC 3261 branch, branch + sent-by + method (ACK maps to
 * INVITE, §17.2.3); otherwise the RFC 2543 fallback of Request-URI, From tag,
 * Call-ID, CSeq number and top Via. `method` overrides the request's method
 * (CANCEL → INVITE lookup, §9.2).
 */
export function serverTransactionKey(req: SipRequest, via: Via, method?: string): string {
  const m = method ?? (req.method === 'ACK' ? 'INVITE' : req.method);
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? 5060}`;
  if (via.branch?.startsWith(BRANCH_MAGIC_COOKIE)) return `${via.branch}|${sentBy}|${m}`;
  const seq = (req.get('cseq') ?? '').trim().split(/\s+/)[0];
  return `2543|${req.uri}|${tagOf(req.get('from')) ?? ''}|${req.callId ?? ''}|${seq}|${sentBy}|${via.branch ?? ''}|${m}`;
}

/** Client key: top Via branch + CSeq method (§17.1.3). */
export function clientTransactionKey(branch: string, cseqMethod: string): string {
  return `${branch}|${cseqMethod}`;
}
