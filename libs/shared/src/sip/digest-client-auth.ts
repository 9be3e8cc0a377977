import type { ConfigSource } from '../config-source/config-source.js';
import type { DigestAlgorithm } from '../digest/digest-algorithm.js';
import { parseAuthHeader } from '../digest/auth-header-syntax.js';
import { type DigestCredentials, parseDigestCredentials } from '../digest/digest-credentials.js';
import type { DigestVerifier, NonceReplayGuard } from '../digest/digest-verifier.js';
import { claimOnce } from '../digest/replay-claim.js';
import { SipError } from '../errors/sip-error.js';
import type { ClientConfig } from '../model/config-client.js';
import type { RegHookResponse } from '../model/webhooks/reg-hook-response.js';
import type { WebhookClient } from '../webhook/webhook-client.js';
import { postRegHook } from './reg-hook-post.js';

/** Collaborators of {@link authenticateDigestClient}. */
export interface DigestClientAuthDeps {
  readonly config: ConfigSource;
  /** Built with `CLAIMED_BY_CALLER`: replays are claimed here, once per (nonce, nc). */
  readonly verifier: DigestVerifier;
  readonly replay: NonceReplayGuard;
  readonly webhook: WebhookClient;
}

/** One request to authenticate as a client of `domain`. */
export interface DigestClientAuthInput {
  /** The `Authorization` header value, `undefined` when absent. */
  readonly authorization: string | undefined;
  /** The request's domain: the realm (docs/contract.md §6 "Digest realm"). */
  readonly domain: string;
  /** `REGISTER` or `INVITE`. */
  readonly method: 'REGISTER' | 'INVITE';
  /** Algorithms we challenge with; credentials for another one are re-challenged. */
  readonly algorithms: readonly DigestAlgorithm[];
  readonly sourceIp: string;
  readonly sourcePort: number;
  /** The expiry the RegHook is told about (`null` on an INVITE). */
  readonly expires: number | null;
  /**
   * Extra check on the digest username once the credentials parsed (the
   * registrar requires it to equal the To user, RFC 3261 §10.3 step 3); throw
   * a {@link SipError} to refuse.
   */
  readonly checkUser?: (username: string) => void;
  readonly retryAfterSec: number;
  readonly hookTimeoutMs: number;
}

/** The verdict: a (re-)challenge, or an authenticated client. */
export type DigestClientAuthResult =
  | { readonly kind: 'challenge'; readonly stale: boolean }
  | {
      readonly kind: 'ok';
      readonly credentials: DigestCredentials;
      readonly client: ClientConfig;
      /** The RegHook's accepted answer; absent for a static-password client. */
      readonly hook?: RegHookResponse;
    };

const forbidden = (why: string) => new SipError(403, 'Forbidden', { 'X-Reason': why });

/**
 * Digest authentication of a client (docs/contract.md §1.2 step 4, §1.3; docs/contract.md §6
 * "Digest realm"). No credentials → challenge. Credentials are parsed for the
 * realm of the domain; the client is the first whose username pattern matches
 * the digest username. Static-password clients are verified here; RegHook
 * clients have the nonce checked here (ours, fresh, (nonce, nc) unused on any
 * replica) and the digest itself checked by the hook. Refusals throw a
 * {@link SipError} (403 with `X-Reason`, 400 for unparseable credentials, or
 * the RegHook's mapping).
 */
export async function authenticateDigestClient(input: DigestClientAuthInput, deps: DigestClientAuthDeps): Promise<DigestClientAuthResult> {
  if (input.authorization === undefined) return { kind: 'challenge', stale: false };
  // RFC 4475 §3.3.7: credentials in a scheme we do not offer are no credentials at all; the UA
  // gets the Digest challenge it can answer (RFC 3261 §22.1), not 400.
  if (!offersDigest(input.authorization)) return { kind: 'challenge', stale: false };
  let creds: DigestCredentials;
  try {
    creds = parseDigestCredentials(input.authorization, 'Authorization', input.domain);
  } catch (err) {
    const msg = (err as Error).message;
    // A UA answering another realm's challenge (docs/contract.md §1.2 step 4).
    if (msg.includes('no credentials for realm')) throw forbidden('Unknown or invalid realm');
    throw new SipError(400, 'Bad Authorization', { 'X-Reason': msg.slice(0, 120) });
  }
  if (creds.realm.toLowerCase() !== input.domain) throw forbidden('Unknown or invalid realm');
  input.checkUser?.(creds.username);
  const algorithm = (creds.algorithm ?? 'MD5').toUpperCase();
  if (!input.algorithms.includes(algorithm as DigestAlgorithm)) return { kind: 'challenge', stale: false };
  const client = deps.config.getRegHook(input.domain, creds.username);
  if (client === undefined) throw forbidden('Invalid credentials');

  if (client.reghook === undefined) {
    if (client.password === undefined) throw forbidden('Invalid credentials');
    const verdict = await verifyPasswordDigest(creds, client.password, input.method, input.domain, deps);
    return verdict === 'ok' ? { kind: 'ok', credentials: creds, client } : verdict;
  }

  const nonce = deps.verifier.nonces.check(creds.nonce, input.domain);
  if (nonce.state === 'bad') return { kind: 'challenge', stale: false };
  if (nonce.state === 'stale') return { kind: 'challenge', stale: true };
  if (!(await claimOnce(deps.replay, creds, nonce.remainingMs + 1000))) return replayedChallenge(creds);
  const hook = await postRegHook(deps.webhook, {
    url: client.reghook,
    method: input.method,
    credentials: creds,
    sourceIp: input.sourceIp,
    sourcePort: input.sourcePort,
    expires: input.expires,
    retryAfterSec: input.retryAfterSec,
    timeoutMs: input.hookTimeoutMs,
  });
  return { kind: 'ok', credentials: creds, client, hook };
}

/**
 * Checks credentials against a password known here (a static client, an
 * inbound trunk's `authPass`): the digest (RFC 7616 §3.4), the nonce (ours,
 * fresh) and the cluster-wide single use of (nonce, nc). Resolves `'ok'` or
 * the challenge to send; a wrong digest or realm throws 403.
 */
export async function verifyPasswordDigest(
  creds: DigestCredentials,
  password: string,
  method: string,
  domain: string,
  deps: Pick<DigestClientAuthDeps, 'verifier' | 'replay'>,
): Promise<'ok' | { readonly kind: 'challenge'; readonly stale: boolean }> {
  const outcome = await deps.verifier.verify({ credentials: creds, method, realm: domain, password });
  switch (outcome) {
    case 'ok': {
      const nonce = deps.verifier.nonces.check(creds.nonce, domain);
      const ttl = nonce.state === 'valid' ? nonce.remainingMs + 1000 : 1000;
      if (!(await claimOnce(deps.replay, creds, ttl))) return replayedChallenge(creds);
      return 'ok';
    }
    case 'stale':
      return { kind: 'challenge', stale: true };
    case 'bad-nonce':
    case 'bad-algorithm':
      return { kind: 'challenge', stale: false };
    case 'bad-realm':
      throw forbidden('Unknown or invalid realm');
    case 'replay':
      return replayedChallenge(creds);
    case 'bad-response':
      throw forbidden('Invalid credentials');
  }
}

/**
 * A (nonce, nc) seen before. With `qop` that is a replay (or a broken UA) and
 * is refused; without `qop` (RFC 2069 style) a UA can only reuse the nonce, so
 * it gets a fresh challenge instead.
 */
function replayedChallenge(creds: DigestCredentials): { readonly kind: 'challenge'; readonly stale: boolean } {
  if (creds.qop === undefined) return { kind: 'challenge', stale: false };
  throw forbidden('Nonce reused');
}

/** Whether an Authorization value holds a Digest block (or is too malformed to tell, which parsing then reports as 400). */
function offersDigest(value: string): boolean {
  try {
    return parseAuthHeader(value, 'Authorization').some((b) => b.scheme.toLowerCase() === 'digest');
  } catch {
    return /^\s*digest(\s|$)/i.test(value);
  }
}
