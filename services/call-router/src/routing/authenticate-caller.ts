import type { ConfigSource } from '@dragonpbx/shared/config';
import type { TrunkConfig } from '@dragonpbx/shared/contracts';
import {
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestVerifier,
  type NonceReplayGuard,
  authenticateDigestClient,
  parseDigestCredentials,
  verifyPasswordDigest,
} from '@dragonpbx/shared/sip';
import type { WebhookClient } from '@dragonpbx/shared/webhooks';
import type { Caller } from './caller.js';
import type { InviteInfo } from './invite-info.js';

/** Collaborators of {@link authenticateCaller}. */
export interface AuthenticateCallerDeps {
  readonly config: ConfigSource;
  /** Built with `CLAIMED_BY_CALLER`: (nonce, nc) pairs are claimed here, once across the cluster. */
  readonly verifier: DigestVerifier;
  readonly replay: NonceReplayGuard;
  readonly webhook: WebhookClient;
}

/** Settings of {@link authenticateCaller}. */
export interface AuthenticateCallerOptions {
  readonly algorithms: readonly DigestAlgorithm[];
  readonly retryAfterSec: number;
  readonly hookTimeoutMs: number;
}

/** The verdict: a challenge to send, or the authenticated caller. */
export type AuthVerdict = { readonly kind: 'challenge'; readonly stale: boolean } | { readonly kind: 'caller'; readonly caller: Caller };

/** The digest username of the header, `undefined` when it does not parse (the client path reports why). */
function digestUser(authorization: string, realm: string): DigestCredentials | undefined {
  try {
    return parseDigestCredentials(authorization, 'Authorization', realm);
  } catch {
    return undefined;
  }
}

/**
 * Routing step 3 (docs/contract.md §1.2 step 4) for a caller not known by address.
 * Credentials whose username is a trunk's `authUser` authenticate that trunk
 * (digest against `authPass`); anything else is a client, authenticated like
 * a REGISTER (static password or RegHook with `method: INVITE`,
 * `expires: null`). Without credentials the caller is challenged with one
 * `WWW-Authenticate` per configured algorithm (realm = the domain).
 */
export async function authenticateCaller(
  invite: InviteInfo,
  options: AuthenticateCallerOptions,
  deps: AuthenticateCallerDeps,
): Promise<AuthVerdict> {
  if (invite.authorization !== undefined) {
    const creds = digestUser(invite.authorization, invite.domain);
    const trunk = creds && deps.config.getAuthTrunks(invite.domain).find((t) => t.authUser === creds.username);
    if (creds !== undefined && trunk !== undefined) return authenticateTrunk(creds, trunk, invite, options, deps);
  }
  const result = await authenticateDigestClient(
    {
      authorization: invite.authorization,
      domain: invite.domain,
      method: 'INVITE',
      algorithms: options.algorithms,
      sourceIp: invite.sourceIp,
      sourcePort: invite.sourcePort,
      expires: null,
      retryAfterSec: options.retryAfterSec,
      hookTimeoutMs: options.hookTimeoutMs,
    },
    deps,
  );
  if (result.kind === 'challenge') return result;
  return { kind: 'caller', caller: { kind: 'client', username: result.credentials.username, client: result.client } };
}

async function authenticateTrunk(
  creds: DigestCredentials,
  trunk: TrunkConfig,
  invite: InviteInfo,
  options: AuthenticateCallerOptions,
  deps: AuthenticateCallerDeps,
): Promise<AuthVerdict> {
  const algorithm = (creds.algorithm ?? 'MD5').toUpperCase();
  if (!options.algorithms.includes(algorithm as DigestAlgorithm)) return { kind: 'challenge', stale: false };
  const verdict = await verifyPasswordDigest(creds, trunk.authPass!, 'INVITE', invite.domain, deps);
  return verdict === 'ok' ? { kind: 'caller', caller: { kind: 'trunk', trunk, matchedBy: 'digest' } } : verdict;
}
