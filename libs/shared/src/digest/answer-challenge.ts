import { randomBytes } from 'node:crypto';
import { type AuthHeaderBlock, parseAuthHeader, quote } from './auth-header-syntax.js';
import { type DigestAlgorithm, toDigestAlgorithm } from './digest-algorithm.js';
import { PBX_ERR_DIGEST_HEADER_INVALID, PBX_ERR_DIGEST_UNSUPPORTED } from './digest-errors.js';
import { computeDigestResponse } from './compute-digest-response.js';

/** What the client needs to answer a 401/407. */
export interface AnswerChallengeInput {
  /** The `WWW-Authenticate`/`Proxy-Authenticate` value(s) of the response. */
  readonly challenge: string | readonly string[];
  readonly method: string;
  /** The Request-URI of the retried request. */
  readonly uri: string;
  readonly username: string;
  readonly password: string;
  /** Nonce count for this nonce. @defaultValue 1 */
  readonly nc?: number;
  /** Client nonce. @defaultValue 16 random bytes as hex */
  readonly cnonce?: string;
}

/** The credentials to send, and under which header name. */
export interface ChallengeAnswer {
  readonly header: string;
  readonly algorithm: DigestAlgorithm;
  readonly realm: string;
}

/** Client preference: strongest first (RFC 8760 §2.4). */
const PREFERENCE: readonly DigestAlgorithm[] = ['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

/** `Authorization` for a 401, `Proxy-Authorization` for a 407 (RFC 3261 §22.2, §22.3). */
export function authorizationHeaderName(status: number): 'Authorization' | 'Proxy-Authorization' {
  return status === 407 ? 'Proxy-Authorization' : 'Authorization';
}

/**
 * Answers a digest challenge for outbound REGISTER/INVITE towards a trunk.
 * Picks the strongest algorithm offered (SHA-512-256, SHA-256, then MD5; RFC 8760 §2.4),
 * uses `qop=auth` with a cnonce and nc when offered, and echoes `opaque`.
 * Throws `PBX_ERR_DIGEST_HEADER_INVALID` for an unparsable challenge and
 * `PBX_ERR_DIGEST_UNSUPPORTED` when no Digest challenge can be answered.
 */
export function answerChallenge(input: AnswerChallengeInput): ChallengeAnswer {
  const values = typeof input.challenge === 'string' ? [input.challenge] : input.challenge;
  const digests = values
    .flatMap((v) => parseAuthHeader(v, 'WWW-Authenticate'))
    .filter((b) => b.scheme.toLowerCase() === 'digest');
  if (digests.length === 0) throw new PBX_ERR_DIGEST_UNSUPPORTED('no Digest challenge');
  const usable = digests
    .map((b) => ({ block: b, alg: toDigestAlgorithm(b.params.algorithm) }))
    .filter((x): x is { block: AuthHeaderBlock; alg: DigestAlgorithm } => x.alg !== undefined)
    .filter((x) => qopOf(x.block) !== 'unsupported');
  if (usable.length === 0) throw new PBX_ERR_DIGEST_UNSUPPORTED('no offered algorithm/qop is supported');
  usable.sort((a, b) => PREFERENCE.indexOf(a.alg) - PREFERENCE.indexOf(b.alg));
  const { block, alg } = usable[0]!;
  const { realm, nonce, opaque } = block.params;
  if (realm === undefined) throw new PBX_ERR_DIGEST_HEADER_INVALID('WWW-Authenticate', 'missing realm');
  if (nonce === undefined) throw new PBX_ERR_DIGEST_HEADER_INVALID('WWW-Authenticate', 'missing nonce');
  const qop = qopOf(block) === 'auth' ? 'auth' : undefined;
  const nc = qop ? (input.nc ?? 1).toString(16).padStart(8, '0') : undefined;
  const cnonce = qop ? (input.cnonce ?? randomBytes(16).toString('hex')) : undefined;
  const response = computeDigestResponse({
    algorithm: alg,
    username: input.username,
    realm,
    password: input.password,
    method: input.method,
    uri: input.uri,
    nonce,
    qop,
    nc,
    cnonce,
  });
  const parts = [
    `username=${quote(input.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(input.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${alg}`,
  ];
  if (cnonce !== undefined) parts.push(`cnonce=${quote(cnonce)}`);
  if (opaque !== undefined) parts.push(`opaque=${quote(opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`);
  return Object.freeze({ header: `Digest ${parts.join(', ')}`, algorithm: alg, realm });
}

/** `auth` when offered, `none` for an RFC 2069 challenge, `unsupported` for e.g. only `auth-int`. */
function qopOf(block: AuthHeaderBlock): 'auth' | 'none' | 'unsupported' {
  const q = block.params.qop;
  if (q === undefined) return 'none';
  const options = q.split(',').map((s) => s.trim().toLowerCase());
  return options.includes('auth') ? 'auth' : 'unsupported';
}
