import { type CidrSet, compileCidrs } from '../cidr/compile-cidrs.js';
import { type ParsedIp, parseIp } from '../cidr/parse-ip.js';
import { GlobPattern } from '../dialplan/glob-pattern.js';
import type { ClientConfig } from '../model/config-client.js';
import type { DomainConfig } from '../model/config-domain.js';
import type { ConfigSnapshot } from '../model/config-snapshot.js';
import type { TrunkConfig } from '../model/config-trunk.js';

interface DomainIndex {
  readonly domain: DomainConfig;
  readonly clients: readonly { readonly pattern: GlobPattern; readonly client: ClientConfig }[];
  readonly trunks: readonly { readonly addresses: CidrSet; readonly trunk: TrunkConfig }[];
}

/**
 * A snapshot with its patterns and CIDRs compiled once, answering the
 * docs/contract.md §2.5 lookups. Built per reload, so lookups never recompile.
 */
export class ConfigIndex {
  readonly snapshot: ConfigSnapshot;
  readonly #domains = new Map<string, DomainIndex>();

  constructor(snapshot: ConfigSnapshot) {
    this.snapshot = snapshot;
    for (const domain of Object.values(snapshot.domains)) {
      this.#domains.set(domain.name, {
        domain,
        clients: domain.clients.map((client) => ({ pattern: new GlobPattern(client.username), client })),
        trunks: domain.trunks.map((trunk) => ({ addresses: compileCidrs(trunk.inbound), trunk })),
      });
    }
  }

  #get(domain: string): DomainIndex | undefined {
    return this.#domains.get(domain.trim().toLowerCase());
  }

  getDomain(domain: string): number | false {
    return this.#get(domain)?.domain.id ?? false;
  }

  listDomains(): string[] {
    return [...this.#domains.keys()];
  }

  getRegHook(domain: string, user: string): ClientConfig | undefined {
    return this.#get(domain)?.clients.find((c) => c.pattern.test(user))?.client;
  }

  /** Not an address (IPv4, IPv6, `[v6]`, IPv4-mapped) → `undefined`, like an unknown one. */
  getTrunkByIP(domain: string, ip: string): TrunkConfig | undefined {
    const d = this.#get(domain);
    if (!d) return undefined;
    let parsed: ParsedIp;
    try {
      parsed = parseIp(ip);
    } catch {
      return undefined;
    }
    return d.trunks.find((t) => t.addresses.blocks.some((b) => b.containsParsed(parsed)))?.trunk;
  }

  getTrunkById(domain: string, id: number): TrunkConfig | undefined {
    return this.#get(domain)?.domain.trunks.find((t) => t.id === id);
  }

  getTrunkByName(domain: string, name: string): TrunkConfig | undefined {
    return this.#get(domain)?.domain.trunks.find((t) => t.name === name || t.label === name);
  }

  getAuthTrunks(domain: string): TrunkConfig[] {
    return this.getTrunks(domain).filter((t) => t.authUser !== undefined && t.authPass !== undefined);
  }

  getRegTrunks(domain: string): TrunkConfig[] {
    return this.getTrunks(domain).filter((t) => t.register !== undefined);
  }

  getTrunks(domain: string): TrunkConfig[] {
    return [...(this.#get(domain)?.domain.trunks ?? [])];
  }
}
