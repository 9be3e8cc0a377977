import type { ConfigSource } from '@dragonpbx/shared/config';
import type { TrunkRegistrationStore } from '@dragonpbx/shared/state';
import type { Caller } from './caller.js';
import type { InviteInfo } from './invite-info.js';

/** Collaborators of {@link identifySource}. */
export interface IdentifySourceDeps {
  readonly config: ConfigSource;
  readonly trunkRegistrations: Pick<TrunkRegistrationStore, 'get'>;
}

/**
 * Routing step 2 (docs/contract.md §1.2 step 3): a trunk by source address (its
 * `inbound` CIDRs; the first trunk that matches wins), else a registered
 * trunk named by the Request-URI's `x-regid` (the Contact the registrar
 * registered with the provider, recorded in Redis while the registration
 * lives). Either way the call counts as authenticated as that trunk.
 * `undefined` means "not a trunk by address": the caller authenticates next.
 */
export async function identifySource(invite: InviteInfo, deps: IdentifySourceDeps): Promise<Caller | undefined> {
  const byIp = deps.config.getTrunkByIP(invite.domain, invite.sourceIp);
  if (byIp !== undefined) return { kind: 'trunk', trunk: byIp, matchedBy: 'cidr' };
  if (invite.regId === undefined || !/^\d{1,15}$/.test(invite.regId)) return undefined;
  const reg = await deps.trunkRegistrations.get(invite.domain, invite.regId);
  if (reg === undefined) return undefined;
  const trunk = deps.config.getTrunkById(invite.domain, Number(invite.regId));
  return trunk === undefined ? undefined : { kind: 'trunk', trunk, matchedBy: 'regid' };
}
