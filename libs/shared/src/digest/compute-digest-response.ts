import { type DigestAlgorithm, digestHash } from './digest-algorithm.js';

/** Inputs of the request-digest calculation (RFC 7616 §3.4.1–3.4.3). */
export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  /** The password, or give {@link ha1} instead. */
  readonly password?: string;
  /** Precomputed `H(username:realm:password)` for this algorithm. */
  readonly ha1?: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly qop?: 'auth';
  readonly nc?: string;
  readonly cnonce?: string;
}

/** `H(username ":" realm ":" password)`, the value a credential store may keep instead of the password. */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/**
 * The `response` value. With `qop=auth`:
 * `KD(HA1, nonce:nc:cnonce:qop:HA2)`; without qop the RFC 2069 form
 * `KD(HA1, nonce:HA2)` (RFC 2617 §3.2.2.1). `-sess` algorithms rehash HA1 with
 * the nonce and cnonce (RFC 7616 §3.4.2).
 */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm: alg } = input;
  let ha1 = input.ha1?.toLowerCase();
  if (ha1 === undefined) {
    if (input.password === undefined) throw new TypeError('computeDigestResponse needs password or ha1');
    ha1 = computeHa1(alg, input.username, input.realm, input.password);
  }
  if (alg.endsWith('-sess')) ha1 = digestHash(alg, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  const ha2 = digestHash(alg, `${input.method}:${input.uri}`);
  const tail = input.qop ? `${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}` : `${input.nonce}:${ha2}`;
  return digestHash(alg, `${ha1}:${tail}`);
}
