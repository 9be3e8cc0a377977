import type { ClientConfig } from '../model/config-client.js';
import type { ConfigSnapshot, ConfigSourceKind } from '../model/config-snapshot.js';
import type { TrunkConfig } from '../model/config-trunk.js';
import type { PbxError } from '../errors/pbx-error.js';

/** Events of a {@link ConfigSource}; each value is the listener's argument list. */
export interface ConfigSourceEvents {
  /** A reload produced a different configuration; it is already live. */
  change: [snapshot: ConfigSnapshot];
  /** A reload failed; the previous configuration stays live. */
  invalid: [error: PbxError];
}

/** Listener of event `E`. A throwing listener is logged and never disturbs the source. */
export type ConfigSourceListener<E extends keyof ConfigSourceEvents> = (...args: ConfigSourceEvents[E]) => void;

/**
 * Domains, clients and trunks, whichever backend holds them (docs/contract.md §2.5).
 * Lookups are synchronous reads of the live in-memory snapshot; they throw
 * `PBX_ERR_CONFIG_NOT_LOADED` before `start()` resolves. Domain names compare
 * case-insensitively (RFC 3261 §19.1.4).
 */
export interface ConfigSource {
  readonly kind: ConfigSourceKind;
  /** Loads the configuration and begins watching for changes; rejects if the first load fails. */
  start(): Promise<void>;
  /** Stops watching and releases connections. Idempotent. */
  close(): Promise<void>;
  /** The live configuration. */
  snapshot(): ConfigSnapshot;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof ConfigSourceEvents>(event: E, listener: ConfigSourceListener<E>): () => void;
  off<E extends keyof ConfigSourceEvents>(event: E, listener: ConfigSourceListener<E>): void;

  /** The domain's `domain_id`, or `false` when the domain is not configured. */
  getDomain(domain: string): number | false;
  /** Every configured domain name. */
  listDomains(): string[];
  /** The first client (in configured order) whose username pattern matches `user`. */
  getRegHook(domain: string, user: string): ClientConfig | undefined;
  /** The first trunk whose inbound CIDRs contain `ip` (IPv4, IPv6, IPv4-mapped IPv6). */
  getTrunkByIP(domain: string, ip: string): TrunkConfig | undefined;
  getTrunkById(domain: string, id: number): TrunkConfig | undefined;
  /** Matches a trunk's `name` or its `label` (docs/contract.md §2.3). */
  getTrunkByName(domain: string, name: string): TrunkConfig | undefined;
  /** Trunks that accept digest-authenticated inbound calls (`authUser`/`authPass`). */
  getAuthTrunks(domain: string): TrunkConfig[];
  /** Trunks that keep an outbound registration up (`register`). */
  getRegTrunks(domain: string): TrunkConfig[];
  getTrunks(domain: string): TrunkConfig[];
}
