import { quote } from './auth-header-syntax.js';
import type { DigestAlgorithm } from './digest-algorithm.js';

/** Parameters of the challenges a server sends in a 401/407. */
export interface DigestChallengeInput {
  /** The protection space; Dragon PBX uses the domain (docs/contract.md §1.2 step 3). */
  readonly realm: string;
  readonly nonce: string;
  /** Set when the client's nonce expired but its digest was right (RFC 7616 §3.3). */
  readonly stale?: boolean;
  readonly opaque?: string;
  /**
   * Algorithms to offer, most preferred first (RFC 8760 §2.4: SHA-256 before MD5).
   * @defaultValue ['SHA-256', 'MD5']
   */
  readonly algorithms?: readonly DigestAlgorithm[];
}

/**
 * One `WWW-Authenticate`/`Proxy-Authenticate` value per algorithm, in
 * preference order. SIP forbids folding these into one comma-joined header
 * (RFC 3261 §7.3.1), so send each as its own header line.
 */
export function buildDigestChallenges(input: DigestChallengeInput): string[] {
  const algorithms = input.algorithms ?? ['SHA-256', 'MD5'];
  return algorithms.map((alg) => {
    let v = `Digest realm=${quote(input.realm)}, nonce=${quote(input.nonce)}, algorithm=${alg}, qop="auth"`;
    if (input.opaque !== undefined) v += `, opaque=${quote(input.opaque)}`;
    if (input.stale) v += ', stale=true';
    return v;
  });
}

/** `WWW-Authenticate` in a 401 (registrar, UAS), `Proxy-Authenticate` in a 407 (RFC 3261 §22.1, §22.3). */
export function challengeHeaderName(status: 401 | 407): 'WWW-Authenticate' | 'Proxy-Authenticate' {
  return status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
}

/**
 * Header lines for a 401 carrying `challenges`. drachtio-srf folds repeated
 * headers into one comma-joined line, which RFC 3261 §7.3.1 does not allow
 * for WWW-Authenticate, so each further challenge starts its own line.
 */
export function challengeHeaders(challenges: readonly string[]): Record<string, string> {
  return { 'WWW-Authenticate': challenges.join('\r\nWWW-Authenticate: ') };
}
