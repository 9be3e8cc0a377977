/**
 * The verdict on a digest `Authorization`. Only `ok` authenticates.
 *
 * - `ok`: the digest is right, the nonce fresh and this (nonce, nc) unused.
 * - `stale`: the digest is right but the nonce expired → re-challenge with `stale=true`.
 * - `bad-nonce`: the nonce was not issued by us (forged, tampered, other realm, from the future).
 * - `bad-response`: the digest is wrong (wrong password, or altered parameters).
 * - `bad-realm`: the credentials name another realm than the request's domain.
 * - `bad-algorithm`: an algorithm we never offered.
 * - `replay`: this (nonce, nc) was already accepted, here or on another instance.
 */
export type DigestOutcome = 'ok' | 'stale' | 'bad-nonce' | 'bad-response' | 'bad-realm' | 'bad-algorithm' | 'replay';
