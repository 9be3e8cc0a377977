import {
  type ConfigSource,
  type DigestCredentials,
  type DigestVerifier,
  type NonceReplayGuard,
  type WebhookClient,
  SipError,
  parseDigestCredentials,
} from '@dragonpbx/shared';
import type { RegistrarOptions } from '../registrar-options.js';
import type { ParsedRegister } from './parse-register.js';
import { callRegHook } from './reg-hook-call.js';
import { claimOnce } from './replay-claim.js';
import type { AuthResult, RegistrationGrant } from './registration-grant.js';

/** Collaborators of {@link authenticateRegister}. */
export interface AuthDeps {
  readonly config: ConfigSource;
  /** Built with {@link CLAIMED_BY_CALLER}: replays are claimed here, once per (nonce, nc). */
  readonly verifier: DigestVerifier;
  readonly replay: NonceReplayGuard;
  readonly webhook: WebhookClient;
}

const forbidden = (why: string) => new SipError(403, 'Forbidden', { 'X-Reason': why });

/** The expiry to report to the RegHook: the first contact's request, 0 for `*`, else the header. */
function requestedForHook(reg: ParsedRegister, options: RegistrarOptions): number | null {
  if (reg.contacts === '*') return 0;
  if (reg.contacts === undefined) return reg.expires ?? null;
  return reg.contacts[0]?.expires ?? reg.expires ?? options.defaultExpires;
}

/**
 * Digest authentication of a REGISTER (docs/contract.md §1.3 steps 1–2, §1.2 step 3
 * "Digest realm"). No credentials → challenge. Credentials are parsed for the
 * realm of the domain; the client is the first whose username pattern matches
 * the digest username. Static-password clients are verified here; RegHook
 * clients have the nonce checked here (fresh, ours, not replayed) and the
 * digest itself checked by the hook. Failures throw a {@link SipError}.
 */
export async function authenticateRegister(reg: ParsedRegister, options: RegistrarOptions, deps: AuthDeps): Promise<AuthResult> {
  if (reg.authorization === undefined) return { kind: 'challenge', stale: false };
  let creds: DigestCredentials;
  try {
    creds = parseDigestCredentials(reg.authorization, 'Authorization', reg.domain);
  } catch (err) {
    const msg = (err as Error).message;
    // A UA answering another realm's challenge (docs/contract.md §1.2 step 3).
    if (msg.includes('no credentials for realm')) throw forbidden('Unknown or invalid realm');
    throw new SipError(400, 'Bad Authorization', { 'X-Reason': msg.slice(0, 120) });
  }
  if (creds.realm.toLowerCase() !== reg.domain) throw forbidden('Unknown or invalid realm');
  // RFC 3261 §10.3 step 3: the authenticated user must be allowed to change this AOR's bindings.
  if (creds.username !== reg.user) throw forbidden('Username does not match To');
  const algorithm = (creds.algorithm ?? 'MD5').toUpperCase();
  if (!options.algorithms.includes(algorithm as 'MD5')) return { kind: 'challenge', stale: false };
  const client = deps.config.getRegHook(reg.domain, creds.username);
  if (client === undefined) throw forbidden('Invalid credentials');

  if (client.reghook === undefined) {
    if (client.password === undefined) throw forbidden('Invalid credentials');
    const outcome = await deps.verifier.verify({ credentials: creds, method: 'REGISTER', realm: reg.domain, password: client.password });
    switch (outcome) {
      case 'ok': {
        const nonce = deps.verifier.nonces.check(creds.nonce, reg.domain);
        const ttl = nonce.state === 'valid' ? nonce.remainingMs + 1000 : 1000;
        if (!(await claimOnce(deps.replay, creds, ttl))) return replayed(creds);
        return { kind: 'granted', grant: grantFromClient(creds.username, client, options) };
      }
      case 'stale':
        return { kind: 'challenge', stale: true };
      case 'bad-nonce':
      case 'bad-algorithm':
        return { kind: 'challenge', stale: false };
      case 'bad-realm':
        throw forbidden('Unknown or invalid realm');
      case 'replay':
        return replayed(creds);
      case 'bad-response':
        throw forbidden('Invalid credentials');
    }
  }

  const nonce = deps.verifier.nonces.check(creds.nonce, reg.domain);
  if (nonce.state === 'bad') return { kind: 'challenge', stale: false };
  if (nonce.state === 'stale') return { kind: 'challenge', stale: true };
  if (!(await claimOnce(deps.replay, creds, nonce.remainingMs + 1000))) return replayed(creds);
  const grant = await callRegHook(deps.webhook, {
    url: client.reghook,
    credentials: creds,
    sourceIp: reg.source.ip,
    sourcePort: reg.source.port,
    expires: requestedForHook(reg, options),
    clientMaxClients: client.maxClients,
    defaultCodecs: options.defaultCodecs,
    retryAfterSec: options.retryAfterSec,
    timeoutMs: options.hookTimeoutMs,
  });
  return { kind: 'granted', grant };
}

/**
 * A (nonce, nc, cnonce) seen before. With `qop` that is a replay (or a broken
 * UA) and is refused; without `qop` (RFC 2069 style) a UA can only reuse the
 * nonce, so it gets a fresh challenge instead.
 */
function replayed(creds: DigestCredentials): AuthResult {
  if (creds.qop === undefined) return { kind: 'challenge', stale: false };
  throw forbidden('Nonce reused');
}

function grantFromClient(
  username: string,
  client: { expires?: number; dialplan?: unknown; codecs?: readonly string[]; maxClients: number },
  options: RegistrarOptions,
): RegistrationGrant {
  return Object.freeze({
    username,
    ...(client.expires !== undefined && client.expires > 0 && { expires: client.expires }),
    ...(client.dialplan !== undefined && { dialplan: client.dialplan as Record<string, unknown> }),
    codecs: client.codecs && client.codecs.length > 0 ? [...client.codecs] : [...options.defaultCodecs],
    maxClients: client.maxClients,
  });
}
