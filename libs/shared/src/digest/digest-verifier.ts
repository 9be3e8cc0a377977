import { timingSafeEqual } from 'node:crypto';
import { buildDigestChallenges } from './build-challenge.js';
import { type DigestAlgorithm, toDigestAlgorithm } from './digest-algorithm.js';
import type { DigestCredentials } from './digest-credentials.js';
import type { DigestOutcome } from './digest-outcome.js';
import { computeDigestResponse } from './compute-digest-response.js';
import { NonceCodec, type NonceCodecOptions } from './nonce-codec.js';

/**
 * Records each (nonce, nc) once across all instances. The Redis state store
 * implements it with `SET key 1 NX PX ttl`.
 */
export interface NonceReplayGuard {
  /** Resolves true the first time a (nonce, nc) pair is claimed, false afterwards. */
  claimNonce(nonce: string, nc: string, ttlMs: number): Promise<boolean>;
}

/** Options of {@link DigestVerifier}; see {@link NonceCodecOptions} for the nonce fields. */
export type DigestVerifierOptions = NonceCodecOptions;

/** Collaborators of {@link DigestVerifier}. */
export interface DigestVerifierDeps {
  readonly replay: NonceReplayGuard;
}

/** What to check a set of credentials against. */
export interface DigestVerifyInput {
  readonly credentials: DigestCredentials;
  /** The SIP method of the request being authenticated. */
  readonly method: string;
  /** The realm the request belongs to (its domain). */
  readonly realm: string;
  /** The user's password, or give {@link ha1} for the credentials' algorithm. */
  readonly password?: string;
  readonly ha1?: string;
}

/** The only algorithms a server offers (RFC 8760 §2.2); `-sess` is never offered. */
const SERVER_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

/**
 * Server side of SIP digest auth (RFC 3261 §22.4, RFC 7616, RFC 8760):
 * issues challenges and checks credentials against them.
 */
export class DigestVerifier {
  readonly nonces: NonceCodec;
  readonly #replay: NonceReplayGuard;

  constructor(options: DigestVerifierOptions, deps: DigestVerifierDeps) {
    this.nonces = new NonceCodec(options);
    this.#replay = deps.replay;
  }

  /** Header values for a 401/407: one per algorithm, SHA-256 first. */
  challenge(realm: string, stale = false): string[] {
    return buildDigestChallenges({ realm, nonce: this.nonces.issue(realm), stale });
  }

  async verify(input: DigestVerifyInput): Promise<DigestOutcome> {
    const c = input.credentials;
    const algorithm = toDigestAlgorithm(c.algorithm);
    if (algorithm === undefined || !SERVER_ALGORITHMS.includes(algorithm)) return 'bad-algorithm';
    if (c.realm !== input.realm) return 'bad-realm';
    const nonce = this.nonces.check(c.nonce, input.realm);
    if (nonce.state === 'bad') return 'bad-nonce';
    const expected = computeDigestResponse({
      algorithm,
      username: c.username,
      realm: c.realm,
      password: input.password,
      ha1: input.ha1,
      method: input.method,
      uri: c.uri,
      nonce: c.nonce,
      qop: c.qop,
      nc: c.nc,
      cnonce: c.cnonce,
    });
    const given = Buffer.from(c.response.toLowerCase(), 'utf8');
    const want = Buffer.from(expected, 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return 'bad-response';
    // RFC 7616 §3.3: stale only when the digest itself was valid.
    if (nonce.state === 'stale') return 'stale';
    // The record only has to outlive the nonce: after that the nonce is stale anyway.
    const ttl = nonce.remainingMs + 1000;
    const first = await this.#replay.claimNonce(c.nonce, c.nc ?? '', ttl);
    return first ? 'ok' : 'replay';
  }
}
