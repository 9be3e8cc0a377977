import type { ConfigSource } from '@dragonpbx/shared/config';
import { CLAIMED_BY_CALLER, DigestVerifier } from '@dragonpbx/shared/sip';
import type { SrfApp, SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import type { StateStore } from '@dragonpbx/shared/state';
import type { WebhookClient } from '@dragonpbx/shared/webhooks';
import type { Logger } from 'pino';
import { type GuardVerdict, RequestGuard } from './guard/request-guard.js';
import { headerView } from './register/header-view.js';
import { RegisterHandler } from './register/register-handler.js';
import type { RegistrationEventSink } from './register/registration-event.js';
import type { RegistrarMetrics } from './registrar-metrics.js';
import { type RegistrarOptions, type RegistrarOptionsInput, resolveRegistrarOptions } from './registrar-options.js';

/** Collaborators of {@link Registrar}; every one is owned (and closed) by the caller. */
export interface RegistrarDeps {
  readonly config: ConfigSource;
  readonly state: StateStore;
  readonly webhook: WebhookClient;
  readonly events: RegistrationEventSink;
  readonly logger: Logger;
  readonly metrics?: RegistrarMetrics;
}

/**
 * The REGISTER side of Dragon PBX as a drachtio-srf application: routes
 * `REGISTER` and `OPTIONS`, keeps no state of its own (everything is in
 * Redis), so any number of replicas can run side by side.
 */
export class Registrar {
  readonly options: RegistrarOptions;
  readonly verifier: DigestVerifier;
  readonly #guard: RequestGuard;
  readonly #register: RegisterHandler;
  readonly #deps: RegistrarDeps;

  constructor(input: RegistrarOptionsInput, deps: RegistrarDeps) {
    this.options = resolveRegistrarOptions(input);
    this.#deps = deps;
    this.verifier = new DigestVerifier(
      { secret: this.options.nonceSecret, lifetimeSec: this.options.nonceLifetimeSec },
      { replay: CLAIMED_BY_CALLER },
    );
    this.#guard = new RequestGuard(this.options, { flood: deps.state.flood, config: deps.config });
    this.#register = new RegisterHandler(this.options, {
      config: deps.config,
      contacts: deps.state.contacts,
      verifier: this.verifier,
      replay: deps.state.nonces,
      webhook: deps.webhook,
      events: deps.events,
      logger: deps.logger,
      ...(deps.metrics && { metrics: deps.metrics }),
    });
  }

  /** Routes REGISTER and OPTIONS of `srf` to this registrar (call before connecting). */
  attach(srf: SrfApp): void {
    srf.register((req, res) => void this.onRegister(req, res));
    srf.options((req, res) => void this.onOptions(req, res));
  }

  /** Handles a REGISTER; resolves with the status sent, or 0 when it was dropped. */
  async onRegister(req: SrfRequest, res: SrfResponse): Promise<number> {
    const msg = headerView(req);
    const admitted = this.#admit(msg.source_address, msg.get('User-Agent'));
    if (admitted !== true && !(await admitted)) return 0;
    return this.#register.handle(msg, res);
  }

  /** NAT keepalive OPTIONS from registered phones (docs/contract.md §1.2 "OPTIONS gets 200"). */
  async onOptions(req: SrfRequest, res: SrfResponse): Promise<number> {
    const admitted = this.#admit(req.source_address, req.get('User-Agent'));
    if (admitted !== true && !(await admitted)) return 0;
    try {
      res.send(200, 'OK', { headers: { Allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, REFER, NOTIFY, INFO', Accept: 'application/sdp' } });
    } catch (err) {
      this.#deps.logger.warn({ err }, 'could not answer OPTIONS');
    }
    return 200;
  }

  /** Synchronous when the guard needs no Redis (no flood limit, trusted source, scanner). */
  #admit(source: string, userAgent: string | undefined): boolean | Promise<boolean> {
    const quick = this.#guard.quickCheck(source, userAgent);
    if (quick === 'pass') return true;
    if (quick !== undefined) return this.#dropped(source, quick);
    return this.#guard.check(source, userAgent).then(
      (verdict) => verdict === 'pass' || this.#dropped(source, verdict),
      (err: unknown) => {
        // Redis down: serve rather than drop everyone; the REGISTER path will report Redis itself.
        this.#deps.logger.warn({ err }, 'flood check failed');
        return true;
      },
    );
  }

  #dropped(source: string, verdict: Exclude<GuardVerdict, 'pass'>): false {
    this.#deps.metrics?.dropped.inc({ reason: verdict });
    if (this.#deps.logger.isLevelEnabled('debug')) this.#deps.logger.debug({ source, reason: verdict }, 'dropped request');
    return false;
  }
}
