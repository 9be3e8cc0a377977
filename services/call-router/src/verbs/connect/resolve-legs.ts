import type { ConfigSource } from '@dragonpbx/shared/config';
import type { ConnectDest } from '@dragonpbx/shared/contracts';
import type { ContactStore } from '@dragonpbx/shared/state';
import { type TrunkProblem, isTrunkProblem, resolveTrunk } from './resolve-trunk.js';

/** One INVITE to send: where, through which next hop, for which destination of the verb. */
export interface LegTarget {
  /** Position in the fork: `X-Endpoint-Index` and the events' `index`. */
  readonly index: number;
  readonly dest: ConnectDest;
  readonly uri: string;
  /** Next hop (`proxy` of the INVITE): a client's registered source address, or the sip dest's `proxy`. */
  readonly proxy?: string;
  readonly timeoutSec: number;
  /** The far end's codecs (a registered client's, a `sip` dest's `codecs`, a trunk's); `undefined` = the caller's. */
  readonly codecs?: readonly string[];
  /** Digest credentials for a challenge: a `sip` dest's, a trunk's `outbound` ones. Never in events or logs. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Trunk legs: the host of the forced From (docs/contract.md §4.2 "trunk legs"). */
  readonly fromHost?: string;
  /** Set when the destination adds no INVITE (unknown trunk…): reported as `connect:error`, keeps its index. */
  readonly dropped?: TrunkProblem;
}

/** Where {@link resolveLegs} looks destinations up. */
export interface LegDirectory {
  readonly contacts: Pick<ContactStore, 'list'>;
  readonly trunks: Pick<ConfigSource, 'getTrunkById' | 'getTrunkByName'>;
  /** A trunk's codecs when it names none. */
  readonly defaultCodecs: readonly string[];
}

/** Ring timeout of a leg when the destination gives none (docs/contract.md §4.2). */
export const DEFAULT_LEG_TIMEOUT_SEC = 30;

/**
 * Expands a connect's destinations into legs (docs/contract.md §4.2): a `client`
 * becomes every registered contact of the extension, reached through the
 * registration's source address (NAT); an unregistered client adds no leg;
 * a `sip` URI is one leg; a `trunk` is one leg to `sip:{address}@{outbound.host}`
 * of the trunk in the caller's domain. A trunk that cannot be used (unknown,
 * no outbound host) is returned `dropped`: it sends nothing but keeps its
 * index, so every `index` in the events names one destination.
 */
export async function resolveLegs(dests: readonly ConnectDest[], domain: string, dir: LegDirectory): Promise<LegTarget[]> {
  const legs: LegTarget[] = [];
  for (const dest of dests) {
    const timeoutSec = dest.timeout ?? DEFAULT_LEG_TIMEOUT_SEC;
    const proxy = dest.type !== 'client' && dest.proxy !== undefined ? { proxy: dest.proxy } : {};
    if (dest.type === 'client') {
      for (const c of await dir.contacts.list(domain, dest.address)) {
        // The callee's codecs are the ones its registration was granted (RegHook answer, client or DEFAULT_CODECS).
        legs.push({ index: legs.length, dest, uri: c.uri, proxy: c.proxy, timeoutSec, ...(c.codecs && { codecs: c.codecs }) });
      }
    } else if (dest.type === 'sip') {
      const auth = dest.username !== undefined ? { auth: { username: dest.username, password: dest.password ?? '' } } : {};
      legs.push({ index: legs.length, dest, uri: dest.address, ...proxy, timeoutSec, ...(dest.codecs && { codecs: dest.codecs }), ...auth });
    } else {
      const route = resolveTrunk(dest, domain, dir.trunks, dir.defaultCodecs);
      if (isTrunkProblem(route)) {
        legs.push({ index: legs.length, dest, uri: '', timeoutSec, dropped: route });
      } else {
        const auth = route.auth ? { auth: route.auth } : {};
        legs.push({ index: legs.length, dest, uri: route.uri, ...proxy, timeoutSec, codecs: route.codecs, fromHost: route.fromHost, ...auth });
      }
    }
  }
  return legs;
}
