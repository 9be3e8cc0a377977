import { createHash } from 'node:crypto';
import type { DigestCredentials, NonceReplayGuard } from '@dragonpbx/shared';

/**
 * The "nc" part of a replay record: the nonce count plus a hash of the
 * client nonce. Stateless nonces are a timestamp MAC, so two UAs challenged in
 * the same millisecond receive the same nonce and both answer with nc=1; the
 * cnonce tells them apart. A replay repeats the cnonce too (it is an input of
 * the response hash, RFC 7616 §3.4), so it still collides and is refused.
 */
export function replayCount(creds: DigestCredentials): string {
  if (creds.nc === undefined) return '';
  const c = createHash('sha256')
    .update(creds.cnonce ?? '')
    .digest('hex')
    .slice(0, 24);
  return `${creds.nc}-${c}`;
}

/** Claims (nonce, nc, cnonce) once across every replica; false for a replay. */
export function claimOnce(guard: NonceReplayGuard, creds: DigestCredentials, ttlMs: number): Promise<boolean> {
  return guard.claimNonce(creds.nonce, replayCount(creds), Math.max(1000, Math.ceil(ttlMs)));
}

/** For {@link DigestVerifier}: the registrar claims nonces itself with {@link claimOnce}. */
export const CLAIMED_BY_CALLER: NonceReplayGuard = Object.freeze({ claimNonce: async () => true });
