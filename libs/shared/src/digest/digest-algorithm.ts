import { createHash } from 'node:crypto';

/**
 * Digest algorithms understood here. SIP servers offer `SHA-256` and `MD5`
 * (RFC 8760 §2.2); the `-sess` variants are only answered as a client.
 */
export const DIGEST_ALGORITHMS = ['SHA-256', 'MD5', 'SHA-256-sess', 'MD5-sess'] as const;
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
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return createHash(name).update(data, 'utf8').digest('hex');
}
