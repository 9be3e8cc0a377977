import { randomBytes } from 'node:crypto';
import type { TrunkConfig, TrunkRegister } from '@dragonpbx/shared/contracts';
import type { SrfApp } from '@dragonpbx/shared/srf';
import type { TrunkRegistrationStore } from '@dragonpbx/shared/state';
import type { Logger } from 'pino';
import { sendRegister } from './send-register.js';
import type { TrunkRegistrarOptions } from './trunk-registrar-options.js';
import { TrunkRegistrationState } from './trunk-registration-state.js';

/** Collaborators of {@link TrunkRegistration}. */
export interface TrunkRegistrationDeps {
  readonly srf: SrfApp;
  readonly store: TrunkRegistrationStore;
  readonly logger: Logger;
  /** Called on every state change (metrics). */
  readonly onState?: (from: TrunkRegistrationState, to: TrunkRegistrationState) => void;
}

/** The pieces of a trunk this worker needs. */
export interface TrunkTarget {
  readonly domain: string;
  readonly trunkId: string;
  readonly register: TrunkRegister;
}

export function trunkTarget(domain: string, trunk: TrunkConfig): TrunkTarget | undefined {
  return trunk.register ? { domain, trunkId: String(trunk.id), register: trunk.register } : undefined;
}

/**
 * Keeps one trunk registered (docs/contract.md §2.3 "RegTrunks"): REGISTER with
 * digest auth, refresh at half the grant, exponential backoff on failure, and
 * the `regtrunk` record in Redis so inbound INVITEs carrying `x-regid` map
 * back to the trunk. Runs only while this replica holds the trunk's lease.
 */
export class TrunkRegistration {
  readonly target: TrunkTarget;
  #state = TrunkRegistrationState.Idle;
  readonly #options: TrunkRegistrarOptions;
  readonly #deps: TrunkRegistrationDeps;
  readonly #callId = `${randomBytes(12).toString('hex')}@dragonpbx`;
  #cseq = 1;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Resolves when the in-flight attempt (if any) is over. */
  #inflight: Promise<void> = Promise.resolve();

  constructor(target: TrunkTarget, options: TrunkRegistrarOptions, deps: TrunkRegistrationDeps) {
    this.target = target;
    this.#options = options;
    this.#deps = deps;
  }

  get state(): TrunkRegistrationState {
    return this.#state;
  }

  get contact(): string {
    // drachtio rewrites an @localhost Contact host to its own SIP address (drachtio-protocol.md).
    return `<sip:${this.target.register.username}@localhost;x-regid=${this.target.trunkId}>`;
  }

  get registrarUri(): string {
    return `sip:${this.target.register.host}`;
  }

  start(): void {
    if (this.#state !== TrunkRegistrationState.Idle) throw new Error(`cannot start a trunk registration in state ${this.#state}`);
    this.#schedule(0);
  }

  /** Stops refreshing; with `unregister`, sends Expires: 0 and forgets the record (trunk removed from config). */
  async stop(unregister = false): Promise<void> {
    if (this.#state === TrunkRegistrationState.Stopped) return;
    const was = this.#state;
    this.#set(TrunkRegistrationState.Stopped);
    clearTimeout(this.#timer);
    await this.#inflight;
    if (!unregister) return;
    await this.#deps.store.delete(this.target.domain, this.target.trunkId).catch(() => undefined);
    if (was === TrunkRegistrationState.Registered) {
      await this.#send(0).catch((err: unknown) => this.#deps.logger.warn({ err, trunk: this.target.trunkId }, 'trunk un-REGISTER failed'));
    }
  }

  /** A method, not an inline comparison: the state changes while an attempt awaits. */
  #stopped(): boolean {
    return this.#state === TrunkRegistrationState.Stopped;
  }

  #set(to: TrunkRegistrationState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#deps.onState?.(from, to);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#inflight = this.#attempt();
    }, ms);
    this.#timer.unref?.();
  }

  #send(expires: number) {
    const r = this.target.register;
    const host = r.host;
    return sendRegister(
      this.#deps.srf,
      {
        uri: this.registrarUri,
        aor: `sip:${r.username}@${host.replace(/:\d+$/, '')}`,
        contact: this.contact,
        expires,
        callId: this.#callId,
        cseq: this.#cseq,
        username: r.username,
        password: r.password,
        timeoutMs: this.#options.requestTimeoutMs,
      },
      this.target.trunkId,
      r.username,
    ).then((res) => {
      this.#cseq = res.cseq + 1;
      return res;
    });
  }

  async #attempt(): Promise<void> {
    if (this.#state === TrunkRegistrationState.Stopped) return;
    this.#set(TrunkRegistrationState.Registering);
    const requested = this.target.register.expires ?? this.#options.defaultExpires;
    const log = { trunk: this.target.trunkId, domain: this.target.domain, registrar: this.registrarUri };
    try {
      const res = await this.#send(requested);
      if (this.#stopped()) return;
      if (res.granted === undefined || res.granted < 1) throw new Error(`${res.status} ${res.reason}`);
      await this.#deps.store.set(
        this.target.domain,
        { trunkId: this.target.trunkId, registrar: this.registrarUri, contact: res.boundContact ?? this.contact.slice(1, -1), instanceId: this.#options.instanceId },
        res.granted,
      );
      this.#failures = 0;
      this.#set(TrunkRegistrationState.Registered);
      this.#deps.logger.info({ ...log, granted: res.granted }, 'trunk registered');
      // docs/contract.md §2.3: refresh at half the granted expiry.
      this.#schedule(Math.max(500, (res.granted * 1000) / 2));
    } catch (err) {
      if (this.#stopped()) return;
      this.#failures += 1;
      this.#set(TrunkRegistrationState.Failed);
      const base = Math.min(this.#options.retryMaxMs, this.#options.retryInitialMs * 2 ** (this.#failures - 1));
      // ±20 % jitter so replicas and trunks do not retry in lockstep.
      const delay = Math.round(base * (0.8 + Math.random() * 0.4));
      this.#deps.logger.warn({ ...log, err: (err as Error).message, retryInMs: delay, failures: this.#failures }, 'trunk registration failed');
      this.#schedule(delay);
    }
  }
}
