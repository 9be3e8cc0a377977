import type { ConfigSource } from '@dragonpbx/shared/config';
import { type CallHookRequest, SipError, type TrunkConfig, toTrunkSource } from '@dragonpbx/shared/contracts';
import type { ContactStore } from '@dragonpbx/shared/state';
import type { Caller } from '../routing/caller.js';
import type { InviteInfo } from '../routing/invite-info.js';
import { type DialplanCache, pickContact, selectDialplan } from '../routing/select-dialplan.js';
import type { Transferor, TransferRequest } from '../verbs/connect/refer.js';

/** Where {@link transferCallHook} looks dialplans up. */
export interface TransferHookDeps {
  readonly config: Pick<ConfigSource, 'getTrunkById' | 'getTrunkByName'>;
  readonly contacts: Pick<ContactStore, 'list'>;
  readonly dialplans: DialplanCache;
}

/** The CallHook a transfer fetches, and the `source` its body names. */
export interface TransferHook {
  readonly callHook: string;
  readonly source: CallHookRequest['source'];
}

const notFound = (why: string) => new SipError(404, 'Not Found', { 'X-Reason': why });

/**
 * The transferor's dialplan entry for the Refer-To number (docs/contract.md §5.2):
 * `by` is who transfers, resolved by the session (`party` = the original
 * caller): a registered client's (its registration from the REFER's source
 * address, else the latest), a trunk destination's, or — for the caller, and
 * for a `sip` destination, which has no dialplan — the caller's. No dialplan
 * or no match → 404.
 */
export async function transferCallHook(invite: InviteInfo, caller: Caller, by: Transferor, transfer: TransferRequest, deps: TransferHookDeps): Promise<TransferHook> {
  const to = transfer.target.referTo;
  if (by.kind === 'client') {
    const contact = pickContact(await deps.contacts.list(invite.domain, by.username), { ...invite, sourceIp: transfer.sourceAddress, sourcePort: transfer.sourcePort });
    if (contact?.dialplan === undefined) throw notFound('transferor not registered or without dialplan');
    return { callHook: matchIn(contact.dialplan, false, to, deps), source: 'client' };
  }
  if (by.kind === 'trunk') {
    const { dest } = by;
    const trunk: TrunkConfig | undefined =
      dest.trunk_id !== undefined ? deps.config.getTrunkById(invite.domain, dest.trunk_id) : deps.config.getTrunkByName(invite.domain, dest.trunk_name ?? '');
    if (trunk?.dialplan === undefined) throw notFound('transferring trunk has no dialplan');
    return { callHook: matchIn(trunk.dialplan, true, to, deps), source: toTrunkSource(trunk) };
  }
  const selection = await selectDialplan({ ...invite, to }, caller, deps);
  return { callHook: selection.match.callHook, source: caller.kind === 'trunk' ? toTrunkSource(caller.trunk) : 'client' };
}

function matchIn(dialplan: Readonly<Record<string, unknown>>, fromConfig: boolean, to: string, deps: TransferHookDeps): string {
  let match: ReturnType<ReturnType<DialplanCache['get']>['match']>;
  try {
    match = deps.dialplans.get(dialplan, fromConfig).match(to);
  } catch {
    throw notFound('invalid dialplan');
  }
  if (match === undefined) throw notFound('no dialplan match');
  return match.callHook;
}

/**
 * The CallHook body of a transfer (docs/contract.md §3.2, §5.2): `refer: true`,
 * `from` the Referred-By user (else the transferor's number), `to` the Refer-To
 * user, `callId` the original call's, `sourceAddress` and `headers` the REFER's
 * (credentials removed), `source` the transferor's, `count` 0.
 */
export function transferHookBody(invite: InviteInfo, transfer: TransferRequest, source: CallHookRequest['source']): CallHookRequest {
  return {
    domain: invite.domain,
    from: transfer.target.referredBy ?? transfer.transferorUser,
    to: transfer.target.referTo,
    callId: invite.callId,
    sourceAddress: transfer.sourceAddress,
    headers: { ...transfer.headers },
    source,
    refer: true,
    count: 0,
  };
}
