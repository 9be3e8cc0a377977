/**
 * Target resolution for a SIP/SIPS URI (a simplified RFC 3263 §4):
 * transport from `;transport=` (default UDP; `sips:` asks for TLS, which this
 * stack lacks); host from `maddr` or the URI; numeric hosts are used as is;
 * with an explicit port only A/AAAA are looked up; without a port, SRV
 * `_sip._udp` / `_sip._tcp` is tried first and a failure (NXDOMAIN, no data)
 * falls back cleanly to A/AAAA on port 5060. NAPTR is not consulted.
 */
import { promises as dns } from 'node:dns';
import { PBX_ERR_SIP_NO_TRANSPORT, PBX_ERR_SIP_RESOLVE } from '../sip/errors.js';
import { type SipUri, parseUri } from '../sip/sip-uri.js';
import { ipFamily } from './address-utils.js';
import type { TransportProtocol } from './transport-types.js';

/** A resolved next hop, before a local transport is chosen. */
export interface ResolvedTarget {
  protocol: TransportProtocol;
  address: string;
  port: number;
  /** Whether the protocol was requested explicitly (`;transport=`). */
  explicitProtocol: boolean;
}

/** DNS functions used (injectable so tests need no network). */
export interface Resolver {
  lookup(host: string): Promise<{ address: string; family: number }>;
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
}

export const systemResolver: Resolver = {
  lookup: (host) => dns.lookup(host),
  resolveSrv: (name) => dns.resolveSrv(name),
};

/** Resolves `target`; rejects with PBX_ERR_SIP_NO_TRANSPORT or PBX_ERR_SIP_RESOLVE. */
export async function resolveTarget(target: string | SipUri, resolver: Resolver = systemResolver): Promise<ResolvedTarget> {
  const uri = typeof target === 'string' ? parseUri(target) : target;
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new PBX_ERR_SIP_NO_TRANSPORT(`scheme ${uri.scheme}`);
  const tp = uri.params.transport?.toLowerCase();
  if (uri.scheme === 'sips' || (tp !== undefined && tp !== 'udp' && tp !== 'tcp')) {
    throw new PBX_ERR_SIP_NO_TRANSPORT(tp ?? 'tls');
  }
  const protocol: TransportProtocol = tp === 'tcp' ? 'tcp' : 'udp';
  const explicitProtocol = tp !== undefined;
  const host = uri.params.maddr ?? uri.host;
  if (ipFamily(host) !== 0) {
    return { protocol, address: strip(host), port: uri.port ?? 5060, explicitProtocol };
  }
  if (uri.port === undefined) {
    // RFC 3263 §4.2: SRV for the chosen transport when no port is given.
    try {
      const records = await resolver.resolveSrv(`_sip._${protocol}.${host}`);
      const best = pickSrv(records);
      if (best) {
        const a = await lookup(best.name, resolver);
        return { protocol, address: a, port: best.port, explicitProtocol };
      }
    } catch {
      // NXDOMAIN / ENODATA / SERVFAIL: fall back to A/AAAA (§4.2 last paragraph).
    }
  }
  return { protocol, address: await lookup(host, resolver), port: uri.port ?? 5060, explicitProtocol };
}

async function lookup(host: string, resolver: Resolver): Promise<string> {
  try {
    return (await resolver.lookup(host)).address;
  } catch (err) {
    throw new PBX_ERR_SIP_RESOLVE(host, (err as Error).message, err as Error);
  }
}

/** Lowest priority, then highest weight (a deterministic reading of RFC 2782's weighted choice). */
function pickSrv<T extends { priority: number; weight: number }>(records: T[]): T | undefined {
  let best: T | undefined;
  for (const r of records) {
    if (!best || r.priority < best.priority || (r.priority === best.priority && r.weight > best.weight)) best = r;
  }
  return best;
}

function strip(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
