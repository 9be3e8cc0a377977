import type { ConfigSource } from '@dragonpbx/shared/config';
import { SipError } from '@dragonpbx/shared/contracts';
import { type DigestVerifier, type NonceReplayGuard, authenticateDigestClient } from '@dragonpbx/shared/sip';
import type { WebhookClient } from '@dragonpbx/shared/webhooks';
import type { RegistrarOptions } from '../registrar-options.js';
import type { ParsedRegister } from './parse-register.js';
import { grantFromHook } from './reg-hook-call.js';
import type { AuthResult, RegistrationGrant } from './registration-grant.js';

/** Collaborators of {@link authenticateRegister}. */
export interface AuthDeps {
  readonly config: ConfigSource;
  /** Built with `CLAIMED_BY_CALLER`: replays are claimed by the shared client authentication, once per (nonce, nc). */
  readonly verifier: DigestVerifier;
  readonly replay: NonceReplayGuard;
  readonly webhook: WebhookClient;
}

/** The expiry to report to the RegHook: the first contact's request, 0 for `*`, else the header. */
function requestedForHook(reg: ParsedRegister, options: RegistrarOptions): number | null {
  if (reg.contacts === '*') return 0;
  if (reg.contacts === undefined) return reg.expires ?? null;
  return reg.contacts[0]?.expires ?? reg.expires ?? options.defaultExpires;
}

/**
 * Digest authentication of a REGISTER (docs/contract.md §1.3 steps 1–2), through the
 * shared client authentication (`authenticateDigestClient`), plus RFC 3261
 * §10.3 step 3: the authenticated user must be allowed to change this AOR's
 * bindings. Failures throw a {@link SipError}.
 */
export async function authenticateRegister(reg: ParsedRegister, options: RegistrarOptions, deps: AuthDeps): Promise<AuthResult> {
  const result = await authenticateDigestClient(
    {
      authorization: reg.authorization,
      domain: reg.domain,
      method: 'REGISTER',
      algorithms: options.algorithms,
      sourceIp: reg.source.ip,
      sourcePort: reg.source.port,
      expires: requestedForHook(reg, options),
      checkUser: (username) => {
        if (username !== reg.user) throw new SipError(403, 'Forbidden', { 'X-Reason': 'Username does not match To' });
      },
      retryAfterSec: options.retryAfterSec,
      hookTimeoutMs: options.hookTimeoutMs,
    },
    deps,
  );
  if (result.kind === 'challenge') return result;
  const username = result.credentials.username;
  if (result.hook !== undefined) {
    return { kind: 'granted', grant: grantFromHook(username, result.hook, result.client.maxClients, options.defaultCodecs) };
  }
  return { kind: 'granted', grant: grantFromClient(username, result.client, options) };
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
