import type { ConnectDest } from '@dragonpbx/shared/contracts';
import type { ContactStore } from '@dragonpbx/shared/state';

/** One INVITE to send: where, through which next hop, for which destination of the verb. */
export interface LegTarget {
  /** Position in the fork: `X-Endpoint-Index` and the events' `index`. */
  readonly index: number;
  readonly dest: ConnectDest;
  readonly uri: string;
  /** Next hop (`proxy` of the INVITE): a client's registered source address, or the sip dest's `proxy`. */
  readonly proxy?: string;
  readonly timeoutSec: number;
}

/** Ring timeout of a leg when the destination gives none (docs/contract.md §4.2). */
export const DEFAULT_LEG_TIMEOUT_SEC = 30;

/**
 * Expands a connect's destinations into legs (docs/contract.md §4.2): a `client`
 * becomes every registered contact of the extension, reached through the
 * registration's source address (NAT); an unregistered client adds no leg;
 * a `sip` URI is one leg. `trunk` destinations are not built yet and add no
 * leg (logged by the caller).
 */
export async function resolveLegs(dests: readonly ConnectDest[], domain: string, contacts: Pick<ContactStore, 'list'>): Promise<LegTarget[]> {
  const legs: LegTarget[] = [];
  for (const dest of dests) {
    const timeoutSec = dest.timeout ?? DEFAULT_LEG_TIMEOUT_SEC;
    if (dest.type === 'client') {
      for (const c of await contacts.list(domain, dest.address)) {
        legs.push({ index: legs.length, dest, uri: c.uri, proxy: c.proxy, timeoutSec });
      }
    } else if (dest.type === 'sip') {
      legs.push({ index: legs.length, dest, uri: dest.address, ...(dest.proxy !== undefined && { proxy: dest.proxy }), timeoutSec });
    }
  }
  return legs;
}
