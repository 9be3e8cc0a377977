import { PbxError } from '../errors/pbx-error.js';
import type { ClientConfig } from '../model/config-client.js';
import type { ConfigSnapshot, ConfigSourceKind } from '../model/config-snapshot.js';
import type { TrunkConfig } from '../model/config-trunk.js';
import { PBX_ERR_CONFIG_INVALID, PBX_ERR_CONFIG_NOT_LOADED } from './config-errors.js';
import { ConfigIndex } from './config-index.js';
import type { ConfigLogger } from './config-logger.js';
import type { ConfigSource, ConfigSourceEvents, ConfigSourceListener } from './config-source.js';

// Listeners are stored untyped; `on`/`off` keep the event ↔ argument pairing typed.
// biome-ignore lint/suspicious/noExplicitAny: storage only, never called untyped from outside
type AnyListener = (...args: any[]) => void;

/**
 * What every backend shares: the live index, the lookups over it and the
 * typed events. A backend only loads snapshots and calls {@link accept} or
 * {@link reject}.
 */
export abstract class ConfigSourceBase implements ConfigSource {
  abstract readonly kind: ConfigSourceKind;
  protected readonly logger: ConfigLogger;
  #index: ConfigIndex | undefined;
  #reloadTimer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #listeners: { [E in keyof ConfigSourceEvents]: Set<AnyListener> } = {
    change: new Set(),
    invalid: new Set(),
  };

  constructor(logger: ConfigLogger) {
    this.logger = logger;
  }

  abstract start(): Promise<void>;
  abstract close(): Promise<void>;

  snapshot(): ConfigSnapshot {
    return this.#live().snapshot;
  }

  on<E extends keyof ConfigSourceEvents>(event: E, listener: ConfigSourceListener<E>): () => void {
    this.#listeners[event].add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  off<E extends keyof ConfigSourceEvents>(event: E, listener: ConfigSourceListener<E>): void {
    this.#listeners[event].delete(listener as AnyListener);
  }

  /**
   * Makes `snapshot` live. Returns false (and emits nothing) when its content
   * equals the live one; the first snapshot is live without a change event.
   */
  protected accept(snapshot: ConfigSnapshot): boolean {
    const previous = this.#index;
    if (previous && previous.snapshot.version === snapshot.version) {
      this.logger.debug({ source: this.kind, version: snapshot.version }, 'configuration unchanged');
      return false;
    }
    this.#index = new ConfigIndex(snapshot);
    this.logger.info(
      { source: this.kind, version: snapshot.version, domains: Object.keys(snapshot.domains).length },
      previous ? 'configuration reloaded' : 'configuration loaded',
    );
    if (previous) this.#emit('change', snapshot);
    return true;
  }

  /** True once {@link stopReloads} ran: no reload is scheduled or accepted any more. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /**
   * Debounced, serialised reload: triggers within `debounceMs` of each other
   * collapse into one `load`, and a reload never overlaps the previous one. A
   * failed load is {@link reject}ed (the live configuration stays).
   */
  protected scheduleReload(debounceMs: number, load: () => Promise<ConfigSnapshot>): void {
    if (this.#closed) return;
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => {
      this.#reloading = this.#reloading.then(() => this.#reload(load));
    }, debounceMs);
  }

  /** Cancels a pending reload and waits for a running one; later triggers are ignored. */
  protected async stopReloads(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reloadTimer);
    await this.#reloading;
  }

  async #reload(load: () => Promise<ConfigSnapshot>): Promise<void> {
    if (this.#closed) return;
    try {
      const snapshot = await load();
      if (!this.#closed) this.accept(snapshot);
    } catch (err) {
      if (!this.#closed) this.reject(err);
    }
  }

  /** Logs why a reload failed (with its stable code) and keeps the live configuration. */
  protected reject(err: unknown): void {
    const error = err instanceof PbxError ? err : new PBX_ERR_CONFIG_INVALID(String(err));
    this.logger.warn(
      { source: this.kind, code: error.code, err: error.message },
      'configuration rejected; keeping the previous one',
    );
    this.#emit('invalid', error);
  }

  #emit<E extends keyof ConfigSourceEvents>(event: E, ...args: ConfigSourceEvents[E]): void {
    for (const listener of [...this.#listeners[event]]) {
      try {
        listener(...args);
      } catch (err) {
        // A bad listener must not stop the others nor the reload loop (STYLE habit 4).
        this.logger.error({ source: this.kind, event, err }, 'config listener threw');
      }
    }
  }

  #live(): ConfigIndex {
    if (!this.#index) throw new PBX_ERR_CONFIG_NOT_LOADED(this.kind);
    return this.#index;
  }

  getDomain(domain: string): number | false {
    return this.#live().getDomain(domain);
  }
  listDomains(): string[] {
    return this.#live().listDomains();
  }
  getRegHook(domain: string, user: string): ClientConfig | undefined {
    return this.#live().getRegHook(domain, user);
  }
  getTrunkByIP(domain: string, ip: string): TrunkConfig | undefined {
    return this.#live().getTrunkByIP(domain, ip);
  }
  getTrunkById(domain: string, id: number): TrunkConfig | undefined {
    return this.#live().getTrunkById(domain, id);
  }
  getTrunkByName(domain: string, name: string): TrunkConfig | undefined {
    return this.#live().getTrunkByName(domain, name);
  }
  getAuthTrunks(domain: string): TrunkConfig[] {
    return this.#live().getAuthTrunks(domain);
  }
  getRegTrunks(domain: string): TrunkConfig[] {
    return this.#live().getRegTrunks(domain);
  }
  getTrunks(domain: string): TrunkConfig[] {
    return this.#live().getTrunks(domain);
  }
}
