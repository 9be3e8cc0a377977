import { type CallHookRequest, toTrunkSource } from '@dragonpbx/shared/contracts';
import type { Caller } from './caller.js';
import type { InviteInfo } from './invite-info.js';

/**
 * The CallHook request body (reference §3.2): the call's identity, every
 * header, and `source` — `"client"`, or the trunk without any credential
 * field (SPEC §2). `count` is the retry counter (reference §1.5).
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
