import type { ConfigSource } from '@dragonpbx/shared/config';
import type { TrunkConfig, TrunkDest } from '@dragonpbx/shared/contracts';
import { sipUser } from './caller-identity.js';

/** Where a `trunk` destination goes and how (docs/contract.md §4.2, §2.3). */
export interface TrunkRoute {
  readonly trunk: TrunkConfig;
  /** `sip:{address}@{outbound.host}`; the host keeps the configured port. */
  readonly uri: string;
  /** The trunk's host without a port: the host part of the forced From. */
  readonly fromHost: string;
  /** The trunk's outbound digest credentials, when it has a username. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** The trunk's codecs, `DEFAULT_CODECS` when it names none. */
  readonly codecs: readonly string[];
}

/** Why a trunk destination adds no leg; `code` is the stable log code. */
export interface TrunkProblem {
  readonly code: 'PBX_ERR_TRUNK_UNKNOWN' | 'PBX_ERR_TRUNK_NO_OUTBOUND';
  readonly reason: string;
}

/**
 * Finds the trunk of a `trunk` destination in the caller's domain: by
 * `trunk_id` when it is set (it wins over `trunk_name`), else by `trunk_name`,
 * which matches a trunk's `name` or its `label` (docs/contract.md §2.3). A trunk
 * that is not there, or has no `outbound.host`, is a {@link TrunkProblem}.
 */
export function resolveTrunk(
  dest: TrunkDest,
  domain: string,
  trunks: Pick<ConfigSource, 'getTrunkById' | 'getTrunkByName'>,
  defaultCodecs: readonly string[],
): TrunkRoute | TrunkProblem {
  const byId = dest.trunk_id !== undefined;
  const trunk = byId ? trunks.getTrunkById(domain, dest.trunk_id!) : trunks.getTrunkByName(domain, dest.trunk_name ?? '');
  const named = byId ? `id ${dest.trunk_id}` : `name ${JSON.stringify(dest.trunk_name ?? '')}`;
  if (trunk === undefined) return { code: 'PBX_ERR_TRUNK_UNKNOWN', reason: `no trunk with ${named}` };
  const host = trunk.outbound?.host?.trim();
  if (!host) return { code: 'PBX_ERR_TRUNK_NO_OUTBOUND', reason: `trunk ${named} has no outbound host` };
  const { username, password } = trunk.outbound ?? {};
  return {
    trunk,
    uri: `sip:${sipUser(dest.address)}@${host}`,
    fromHost: hostWithoutPort(host),
    ...(username !== undefined && { auth: { username, password: password ?? '' } }),
    codecs: trunk.codecs && trunk.codecs.length > 0 ? trunk.codecs : defaultCodecs,
  };
}

export function isTrunkProblem(r: TrunkRoute | TrunkProblem): r is TrunkProblem {
  return 'code' in r;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` → the host alone (RFC 3261 §25.1 hostport). */
function hostWithoutPort(hostport: string): string {
  if (hostport.startsWith('[')) return hostport.slice(0, hostport.indexOf(']') + 1) || hostport;
  const colon = hostport.indexOf(':');
  return colon < 0 ? hostport : hostport.slice(0, colon);
}
