import { type CallHookRequest, toTrunkSource } from '@dragonpbx/shared/contracts';
import type { Caller } from './caller.js';
import type { InviteInfo } from './invite-info.js';

/**
 * The CallHook request body (docs/contract.md §3.2): the call's identity, every
 * header, and `source` — `"client"`, or the trunk without any credential
 * field (docs/contract.md §6). `count` is the retry counter (docs/contract.md §1.5).
 */
export function callHookBody(invite: InviteInfo, caller: Caller, count: number): CallHookRequest {
  return {
    domain: invite.domain,
    from: invite.from,
    to: invite.to,
    callId: invite.callId,
    sourceAddress: invite.sourceIp,
    headers: { ...invite.headers },
    source: caller.kind === 'trunk' ? toTrunkSource(caller.trunk) : 'client',
    refer: false,
    count,
  };
}
