import type { RegHookResponse } from '@dragonpbx/shared/contracts';
import type { RegistrationGrant } from './registration-grant.js';

/**
 * The registration a RegHook's accepted answer grants (docs/contract.md §3.1):
 * its expiry, dialplan, codecs (`DEFAULT_CODECS` when none, docs/contract.md §6) and
 * `maxClients` (the client entry's when the hook gives none).
 */
export function grantFromHook(
  username: string,
  hook: RegHookResponse,
  clientMaxClients: number,
  defaultCodecs: readonly string[],
): RegistrationGrant {
  return Object.freeze({
    username,
    ...(hook.expires !== undefined && { expires: hook.expires }),
    ...(hook.dialplan !== undefined && { dialplan: hook.dialplan as Record<string, unknown> }),
    codecs: hook.codecs && hook.codecs.length > 0 ? [...hook.codecs] : [...defaultCodecs],
    maxClients: hook.maxClients ?? clientMaxClients,
  });
}
