import type { ConfigSource } from '@dragonpbx/shared/config';
import type { SrfApp } from '@dragonpbx/shared/srf';
import { type StateStore, trunkLeaseResource } from '@dragonpbx/shared/state';
import type { Logger } from 'pino';
import type { RegistrarMetrics } from '../registrar-metrics.js';
import { type TrunkRegistrarOptions, type TrunkRegistrarOptionsInput, resolveTrunkRegistrarOptions } from './trunk-registrar-options.js';
import { TrunkRegistration, type TrunkTarget, trunkTarget } from './trunk-registration.js';
import { TrunkRegistrationState } from './trunk-registration-state.js';

/** Collaborators of {@link TrunkRegistrar}. */
export interface TrunkRegistrarDeps {
  readonly srf: SrfApp;
  readonly config: ConfigSource;
  readonly state: StateStore;
  readonly logger: Logger;
  readonly metrics?: RegistrarMetrics;
}

const keyOf = (t: TrunkTarget) => `${t.domain}\u0000${t.trunkId}`;
const fingerprint = (t: TrunkTarget) => JSON.stringify(t.register);

/**
 * Outbound registration of every trunk with a `register` block (docs/contract.md §2.3).
 * Each trunk is registered by exactly one replica: the holder of its Redis
 * lease. Every `leaseCheckMs` the replica renews the leases it holds and
 * tries to claim free ones, so when a holder dies another takes over within
 * `leaseTtlMs`. Config changes are applied as they arrive, without restarting.
 */
export class TrunkRegistrar {
  readonly options: TrunkRegistrarOptions;
  readonly #deps: TrunkRegistrarDeps;
  readonly #held = new Map<string, { reg: TrunkRegistration; fp: string }>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #running = false;
  #sweeping: Promise<void> = Promise.resolve();

  constructor(input: TrunkRegistrarOptionsInput, deps: TrunkRegistrarDeps) {
    this.options = resolveTrunkRegistrarOptions(input);
    this.#deps = deps;
  }

  /** Trunks this replica currently holds, with their state. */
  held(): { domain: string; trunkId: string; state: TrunkRegistrationState }[] {
    return [...this.#held.values()].map(({ reg }) => ({ domain: reg.target.domain, trunkId: reg.target.trunkId, state: reg.state }));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#deps.config.on('change', () => this.#kick());
    this.#kick();
  }

  /**
   * Stops every registration. `release` gives the leases up so another replica
   * takes over at once (graceful shutdown); without it they lapse (as on a crash).
   */
  async stop(release = true): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await this.#sweeping;
    const all = [...this.#held.entries()];
    this.#held.clear();
    await Promise.all(
      all.map(async ([, { reg }]) => {
        await reg.stop(false);
        if (release) await this.#deps.state.leases.release(this.#resource(reg.target), this.options.instanceId).catch(() => false);
      }),
    );
    this.#gauge();
  }

  #resource(t: TrunkTarget): string {
    return trunkLeaseResource(t.domain, t.trunkId);
  }

  #kick(): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#sweeping = this.#sweeping.then(() => this.#sweep()).catch((err: unknown) => this.#deps.logger.warn({ err }, 'trunk lease sweep failed'));
    void this.#sweeping.then(() => {
      if (!this.#running) return;
      this.#timer = setTimeout(() => this.#kick(), this.options.leaseCheckMs);
      this.#timer.unref?.();
    });
  }

  #wanted(): Map<string, TrunkTarget> {
    const out = new Map<string, TrunkTarget>();
    const { config } = this.#deps;
    for (const domain of config.listDomains()) {
      for (const trunk of config.getRegTrunks(domain)) {
        const t = trunkTarget(domain, trunk);
        if (t) out.set(keyOf(t), t);
      }
    }
    return out;
  }

  async #sweep(): Promise<void> {
    if (!this.#running) return;
    const { leases } = this.#deps.state;
    const me = this.options.instanceId;
    const wanted = this.#wanted();
    // Trunks gone from config, or changed: stop; a removed one is un-registered.
    for (const [key, { reg, fp }] of this.#held) {
      const next = wanted.get(key);
      if (next && fingerprint(next) === fp) continue;
      this.#held.delete(key);
      await reg.stop(next === undefined);
      if (next === undefined) await leases.release(this.#resource(reg.target), me);
    }
    for (const [key, target] of wanted) {
      const mine = this.#held.get(key);
      const resource = this.#resource(target);
      if (mine) {
        if (await leases.renew(resource, me, this.options.leaseTtlMs)) continue;
        // Lost the lease (e.g. Redis flushed or we stalled): another replica owns the trunk now.
        this.#held.delete(key);
        await mine.reg.stop(false);
        this.#deps.logger.warn({ trunk: target.trunkId, domain: target.domain }, 'trunk lease lost');
        continue;
      }
      if (!(await leases.acquire(resource, me, this.options.leaseTtlMs))) continue;
      const reg = new TrunkRegistration(target, this.options, {
        srf: this.#deps.srf,
        store: this.#deps.state.trunkRegistrations,
        logger: this.#deps.logger,
        onState: () => this.#gauge(),
      });
      this.#held.set(key, { reg, fp: fingerprint(target) });
      this.#deps.logger.info({ trunk: target.trunkId, domain: target.domain }, 'trunk lease acquired');
      reg.start();
    }
    this.#gauge();
  }

  #gauge(): void {
    const g = this.#deps.metrics?.trunks;
    if (!g) return;
    for (const s of Object.values(TrunkRegistrationState)) g.set({ state: s }, 0);
    for (const { reg } of this.#held.values()) g.inc({ state: reg.state });
  }
}
