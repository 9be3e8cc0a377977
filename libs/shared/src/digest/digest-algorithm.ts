import { createHash } from 'node:crypto';

/**
 * Digest algorithms understood here (RFC 8760 §2.2, RFC 7616 §6.1). The
 * server side offers only `SHA-256` and `MD5` (docs/contract.md §1.2 step 3); the others are
 * answered when a trunk challenges with them.
 */
export const DIGEST_ALGORITHMS = [
  'SHA-512-256',
  'SHA-256',
  'MD5',
  'SHA-512-256-sess',
  'SHA-256-sess',
  'MD5-sess',
] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** Matches an algorithm token case-insensitively (RFC 7616 §3.3); `undefined` when unknown. */
export function toDigestAlgorithm(token: string | undefined): DigestAlgorithm | undefined {
  // RFC 2617 §3.2.1: an absent algorithm means MD5.
  if (token === undefined) return 'MD5';
  const upper = token.toUpperCase();
  return DIGEST_ALGORITHMS.find((a) => a.toUpperCase() === upper);
}

/** The hash function H() of an algorithm, as lowercase hex (RFC 7616 §3.4.1). */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  const name = algorithm.startsWith('SHA-512-256') ? 'sha512-256' : algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return createHash(name).update(data, 'utf8').digest('hex');
}
