import type { DigestCredentials } from './digest-credentials.js';
import type { NonceReplayGuard } from './digest-verifier.js';

/**
 * The "nc" part of a replay record. Every challenge carries its own salted
 * nonce, so (nonce, nc) identifies one authorized request: a second request
 * with the same pair is a replay (docs/contract.md §1.2 step 3, RFC 7616 §3.3). Without `qop` there
 * is no nonce count and a nonce is good for one request.
 */
export function replayCount(creds: DigestCredentials): string {
  return creds.nc ?? '';
}

/** Claims (nonce, nc) once across every replica; false for a replay. */
export function claimOnce(guard: NonceReplayGuard, creds: DigestCredentials, ttlMs: number): Promise<boolean> {
  return guard.claimNonce(creds.nonce, replayCount(creds), Math.max(1000, Math.ceil(ttlMs)));
}

/** For {@link DigestVerifier}: the caller (registrar, call-router) claims nonces itself with {@link claimOnce}. */
export const CLAIMED_BY_CALLER: NonceReplayGuard = Object.freeze({ claimNonce: async () => true });
