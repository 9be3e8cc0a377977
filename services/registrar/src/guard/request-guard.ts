import type { ConfigSource } from '@dragonpbx/shared/config';
import type { FloodStore } from '@dragonpbx/shared/state';
import type { RegistrarOptions } from '../registrar-options.js';

/** What the guard decided about one request. */
export type GuardVerdict = 'pass' | 'scanner' | 'flood';

/** Collaborators of {@link RequestGuard}. */
export interface RequestGuardDeps {
  readonly flood: FloodStore;
  /** When given, sources inside any trunk's `inbound` CIDRs are trusted too. */
  readonly config?: ConfigSource;
}

/**
 * Drops traffic from SIP scanners (by `User-Agent`) and from sources that
 * exceed the pike-style rate (docs/contract.md §5.3). Dropped requests get no answer at
 * all: answering would confirm that a SIP service listens here and spend our
 * bandwidth on the attacker. Trusted CIDRs are never counted.
 */
export class RequestGuard {
  readonly #options: RegistrarOptions;
  readonly #flood: FloodStore;
  readonly #config: ConfigSource | undefined;

  constructor(options: RegistrarOptions, deps: RequestGuardDeps) {
    this.#options = options;
    this.#flood = deps.flood;
    this.#config = deps.config;
  }

  /** Configured trusted CIDRs, or a trunk's inbound CIDRs in any domain. */
  isTrusted(ip: string): boolean {
    try {
      if (this.#options.trusted.contains(ip)) return true;
      const config = this.#config;
      return config?.listDomains().some((d) => config.getTrunkByIP(d, ip) !== undefined) === true;
    } catch {
      // an unparsable source address is never trusted
      return false;
    }
  }

  /** True when `userAgent` names a known scanner. */
  isScanner(userAgent: string | undefined): boolean {
    if (userAgent === undefined || this.#options.scannerAgents.length === 0) return false;
    const ua = userAgent.toLowerCase();
    return this.#options.scannerAgents.some((s) => ua.includes(s));
  }

  /** The verdict when it needs no Redis (scanner, flood limit off, trusted source), else `undefined`. */
  quickCheck(sourceIp: string, userAgent: string | undefined): GuardVerdict | undefined {
    if (this.isScanner(userAgent)) return 'scanner';
    if (!this.#options.flood.enabled || this.isTrusted(sourceIp)) return 'pass';
    return undefined;
  }

  async check(sourceIp: string, userAgent: string | undefined): Promise<GuardVerdict> {
    const quick = this.quickCheck(sourceIp, userAgent);
    if (quick !== undefined) return quick;
    const f = this.#options.flood;
    const verdict = await this.#flood.hit(sourceIp, { windowMs: f.windowMs, limit: f.limit, banMs: f.banMs });
    return verdict.banned ? 'flood' : 'pass';
  }
}
