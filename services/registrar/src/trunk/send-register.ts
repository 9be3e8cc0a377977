import {
  type SipNameAddr,
  answerChallenge,
  authorizationHeaderName,
  challengeHeaderName,
  parseNameAddr,
  parseUri,
  splitHeaderValues,
} from '@dragonpbx/shared/sip';
import type { SrfApp, SrfResponse } from '@dragonpbx/shared/srf';

/** One outbound REGISTER transaction (with at most one digest retry). */
export interface SendRegisterInput {
  /** Request-URI: `sip:{host}`. */
  readonly uri: string;
  /** `sip:{user}@{host}` for From and To (RFC 3261 §10.2: To is the AOR). */
  readonly aor: string;
  readonly contact: string;
  readonly expires: number;
  readonly callId: string;
  /** CSeq to use; a digest retry uses the next number. */
  readonly cseq: number;
  readonly username: string;
  readonly password: string;
  readonly timeoutMs: number;
}

/** The final answer: status, the grant when 2xx, and the last CSeq used. */
export interface SendRegisterResult {
  readonly status: number;
  readonly reason: string;
  /** Granted seconds (from our Contact's `expires`, else `Expires`), 2xx only. */
  readonly granted?: number;
  /** Our Contact as the registrar echoed it (with the SIP server's real address), 2xx only. */
  readonly boundContact?: string;
  readonly cseq: number;
}

function once(srf: SrfApp, uri: string, headers: Record<string, string>, timeoutMs: number): Promise<SrfResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no final response within ${timeoutMs} ms`)), timeoutMs);
    srf.request(uri, { method: 'REGISTER', headers }, (err, req) => {
      if (err || !req) {
        clearTimeout(timer);
        reject(err ?? new Error('request not sent'));
        return;
      }
      req.on('response', (res: SrfResponse) => {
        if (res.status < 200) return;
        clearTimeout(timer);
        resolve(res);
      });
    });
  });
}

/** The Contacts of a 2xx that parse (RFC 3261 §20.10); a malformed one cannot be ours and is skipped. */
function contactsOf(res: Pick<SrfResponse, 'get'>): SipNameAddr[] {
  const out: SipNameAddr[] = [];
  for (const text of splitHeaderValues(res.get('Contact') ?? '')) {
    try {
      out.push(parseNameAddr(text));
    } catch {
      // not one of ours
    }
  }
  return out;
}

/** The `x-regid` URI parameter of a Contact, if its URI parses. */
function regIdOf(uri: string): string | null | undefined {
  try {
    return parseUri(uri).params['x-regid'];
  } catch {
    return undefined;
  }
}

/** Our binding in a 2xx's Contact list: the URI carrying our `x-regid`. */
export function boundContact(res: Pick<SrfResponse, 'get'>, regId: string): string | undefined {
  return contactsOf(res).find((c) => regIdOf(c.uri) === regId)?.uri;
}

/** The grant for `contact` in a 2xx: its Contact `expires` parameter, else the Expires header (RFC 3261 §10.3 step 8). */
export function grantedExpiry(res: Pick<SrfResponse, 'get'>, contactUser: string, regId: string, fallback: number): number {
  for (const c of contactsOf(res)) {
    if (regIdOf(c.uri) !== regId && !c.uri.includes(`sip:${contactUser}@`)) continue;
    const e = c.params.expires;
    if (e != null && /^\d+$/.test(e)) return Number(e);
  }
  const e = Number.parseInt(res.get('Expires') ?? '', 10);
  return Number.isInteger(e) && e >= 0 ? e : fallback;
}

/**
 * Sends a REGISTER and answers one 401/407 with the shared digest client
 * (RFC 3261 §22.2; SHA-256 preferred, RFC 8760), keeping the Call-ID and
 * incrementing CSeq as §10.2.4 asks of refreshes.
 */
export async function sendRegister(srf: SrfApp, input: SendRegisterInput, regId: string, contactUser: string): Promise<SendRegisterResult> {
  const base: Record<string, string> = {
    From: `<${input.aor}>`,
    To: `<${input.aor}>`,
    Contact: input.contact,
    Expires: String(input.expires),
    'Call-ID': input.callId,
    Allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO',
  };
  let cseq = input.cseq;
  let res = await once(srf, input.uri, { ...base, CSeq: `${cseq} REGISTER` }, input.timeoutMs);
  if (res.status === 401 || res.status === 407) {
    const challenge = res.get(challengeHeaderName(res.status)) ?? '';
    const answer = answerChallenge({ challenge, method: 'REGISTER', uri: input.uri, username: input.username, password: input.password });
    cseq += 1;
    res = await once(
      srf,
      input.uri,
      { ...base, CSeq: `${cseq} REGISTER`, [authorizationHeaderName(res.status)]: answer.header },
      input.timeoutMs,
    );
  }
  const ok = res.status >= 200 && res.status < 300;
  return {
    status: res.status,
    reason: res.reason,
    cseq,
    ...(ok && { granted: grantedExpiry(res, contactUser, regId, input.expires) }),
    ...(ok && boundContact(res, regId) !== undefined && { boundContact: boundContact(res, regId) }),
  };
}
