import type { TrunkConfig } from '../config-trunk.js';
import type { TrunkSource } from './trunk-source.js';

/**
 * The CallHook `source` for a call from `trunk`: an allow-list copy, so a
 * credential field added to the config model later cannot leak by default
 * (docs/contract.md §6.10).
 */
export function toTrunkSource(trunk: TrunkConfig): TrunkSource {
  const out: TrunkSource = { id: trunk.id, inbound: [...trunk.inbound], options_ping: trunk.options_ping };
  if (trunk.name !== undefined) out.name = trunk.name;
  if (trunk.label !== undefined) out.label = trunk.label;
  if (trunk.outbound?.host !== undefined) out.outbound = { host: trunk.outbound.host };
  if (trunk.dialplan !== undefined) out.dialplan = structuredClone(trunk.dialplan);
  if (trunk.codecs !== undefined) out.codecs = [...trunk.codecs];
  if (trunk.authType !== undefined) out.authType = trunk.authType;
  if (trunk.register !== undefined) {
    out.register = { host: trunk.register.host };
    if (trunk.register.expires !== undefined) out.register.expires = trunk.register.expires;
  }
  return out;
}
