import type { ConfigSource } from '@dragonpbx/shared/config';
import { inSpan } from '@dragonpbx/shared/platform';
import type { ContactStore, TrunkRegistrationStore } from '@dragonpbx/shared/state';
import { callTracer } from '../call-tracer.js';
import { type AuthenticateCallerDeps, type AuthenticateCallerOptions, authenticateCaller } from './authenticate-caller.js';
import type { Caller } from './caller.js';
import { checkDomain } from './check-domain.js';
import { identifySource } from './identify-source.js';
import type { InviteInfo } from './invite-info.js';
import { type DialplanCache, type DialplanSelection, selectDialplan } from './select-dialplan.js';

/** Collaborators of {@link routeInvite}. */
export interface RouteInviteDeps extends AuthenticateCallerDeps {
  readonly config: ConfigSource;
  readonly contacts: Pick<ContactStore, 'list'>;
  readonly trunkRegistrations: Pick<TrunkRegistrationStore, 'get'>;
  readonly dialplans: DialplanCache;
}

/** Where the chain got to: a challenge to send, or a caller with its dialplan entry. */
export type RouteResult =
  | { readonly kind: 'challenge'; readonly stale: boolean }
  | { readonly kind: 'routed'; readonly caller: Caller; readonly selection: DialplanSelection };

/**
 * Routing steps 1–4 of docs/contract.md §1.2, in order: domain check → source
 * identification → authentication → dialplan lookup. Each step throws a
 * `SipError` carrying the caller's answer when it refuses the call.
 */
export async function routeInvite(invite: InviteInfo, options: AuthenticateCallerOptions, deps: RouteInviteDeps): Promise<RouteResult> {
  checkDomain(deps.config, invite.domain);
  // A span per step when spans are exported (inSpan builds nothing otherwise: this is the call path).
  let caller = await inSpan(callTracer, 'route identify', () => identifySource(invite, deps));
  if (caller === undefined) {
    const verdict = await inSpan(callTracer, 'route authenticate', () => authenticateCaller(invite, options, deps));
    if (verdict.kind === 'challenge') return verdict;
    caller = verdict.caller;
  }
  const known = caller;
  const selection = await inSpan(callTracer, 'route dialplan', () => selectDialplan(invite, known, deps));
  return { kind: 'routed', caller, selection };
}
