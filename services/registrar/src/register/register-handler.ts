import type { ConfigSource } from '@dragonpbx/shared/config';
import { PbxError, SipError } from '@dragonpbx/shared/contracts';
import { type DigestVerifier, type NonceReplayGuard, RegHookError, buildDigestChallenges, checkRequire } from '@dragonpbx/shared/sip';
import { type ContactStore, PBX_ERR_STATE_UNAVAILABLE } from '@dragonpbx/shared/state';
import type { WebhookClient } from '@dragonpbx/shared/webhooks';
import type { Logger } from 'pino';
import { PBX_ERR_REGISTER_INVALID } from '../registrar-errors.js';
import type { RegistrarOptions } from '../registrar-options.js';
import type { RegistrarMetrics } from '../registrar-metrics.js';
import { applyBindings } from './apply-bindings.js';
import { authenticateRegister } from './authenticate-register.js';
import { parseRegister } from './parse-register.js';
import { challengeHeaders, contactHeader } from './register-response.js';
import type { RegisterMessage } from './register-message.js';
import type { RegistrationEventSink } from './registration-event.js';

/** Option-tags the registrar implements: none (no Path, outbound or GRUU), so any Require gets 420. */
const REGISTRAR_SUPPORTED: readonly string[] = [];

let dateSecond = -1;
let dateText = '';

/** The `Date` header value (RFC 7231 IMF-fixdate), formatted once per second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** The response side of a request, as drachtio-srf provides it. */
export interface Responder {
  send(status: number, reason: string, opts: { headers: Record<string, string> }): void;
}

/** Collaborators of {@link RegisterHandler}. */
export interface RegisterHandlerDeps {
  readonly config: ConfigSource;
  readonly contacts: ContactStore;
  readonly verifier: DigestVerifier;
  readonly replay: NonceReplayGuard;
  readonly webhook: WebhookClient;
  readonly events: RegistrationEventSink;
  readonly logger: Logger;
  readonly metrics?: RegistrarMetrics;
}

/** Handles one REGISTER end to end (docs/contract.md §1.3) and always answers it. */
export class RegisterHandler {
  readonly #options: RegistrarOptions;
  readonly #deps: RegisterHandlerDeps;
  readonly #byStatus = new Map<number, { inc(): void }>();
  readonly #byType = new Map<string, { inc(): void }>();

  constructor(options: RegistrarOptions, deps: RegisterHandlerDeps) {
    this.#options = options;
    this.#deps = deps;
  }

  async handle(req: RegisterMessage, res: Responder): Promise<number> {
    const status = await this.#process(req, res).catch((err: unknown) => this.#fail(err, res));
    if (this.#deps.metrics) this.#counted(status).inc();
    return status;
  }

  /** The per-status counter child, looked up once per status rather than per REGISTER. */
  #counted(status: number): { inc(): void } {
    let child = this.#byStatus.get(status);
    if (child === undefined) {
      child = this.#deps.metrics!.registers.labels({ status: String(status) });
      this.#byStatus.set(status, child);
    }
    return child;
  }

  /** The per-type registrations counter child, looked up once per type. */
  #binding(type: string): { inc(): void } {
    let child = this.#byType.get(type);
    if (child === undefined) {
      child = this.#deps.metrics!.registrations.labels({ type });
      this.#byType.set(type, child);
    }
    return child;
  }

  /** Whether debug lines are wanted; checked per call so a runtime level change applies. */
  get #debug(): boolean {
    return this.#deps.logger.isLevelEnabled('debug');
  }

  async #process(req: RegisterMessage, res: Responder): Promise<number> {
    const reg = parseRegister(req);
    // docs/contract.md §1.2 step 1: an unknown domain is answered 500 for every method.
    if (this.#deps.config.getDomain(reg.domain) === false) {
      this.#deps.logger.info({ domain: reg.domain, callId: reg.callId }, 'rejecting unknown domain');
      throw new SipError(500, 'Unknown Domain', { 'X-Reason': 'rejecting unknown domain' });
    }
    // RFC 3261 §10.3 step 2: Require is processed as a UAS does (§8.2.2.3), before authentication.
    checkRequire(req.method, req.get('Require'), REGISTRAR_SUPPORTED);
    const auth = await authenticateRegister(reg, this.#options, this.#deps);
    if (auth.kind === 'challenge') {
      const nonce = this.#deps.verifier.nonces.issue(reg.domain);
      const challenges = buildDigestChallenges({ realm: reg.domain, nonce, stale: auth.stale, algorithms: this.#options.algorithms });
      res.send(401, 'Unauthorized', { headers: challengeHeaders(challenges) });
      return 401;
    }
    const result = await applyBindings(reg, auth.grant, this.#options, this.#deps.contacts);
    const headers: Record<string, string> = { Expires: String(result.expires), Date: httpDate() };
    const contact = contactHeader(result.contacts);
    if (contact !== undefined) headers.Contact = contact;
    res.send(200, 'OK', { headers });
    const timestamp = new Date().toISOString();
    for (const e of result.events) {
      this.#deps.events.emit({ ...e, instanceId: this.#options.instanceId, timestamp });
      if (this.#deps.metrics) this.#binding(e.type).inc();
    }
    if (this.#debug) {
      this.#deps.logger.debug(
        { domain: reg.domain, user: reg.user, callId: reg.callId, expires: result.expires, contacts: result.contacts.length },
        'registered',
      );
    }
    return 200;
  }

  #fail(err: unknown, res: Responder): number {
    let status = 500;
    let reason = 'Server Internal Error';
    let headers: Record<string, string> = {};
    if (err instanceof SipError) {
      ({ status, reason } = err);
      headers = { ...err.headers };
      if (err instanceof RegHookError) this.#deps.logger.warn({ failure: err.failure, status }, 'RegHook did not grant');
    } else if (err instanceof PbxError && err.code === PBX_ERR_REGISTER_INVALID.code) {
      status = 400;
      reason = 'Bad Request';
      headers = { 'X-Reason': err.message.slice(0, 160) };
    } else if (err instanceof PBX_ERR_STATE_UNAVAILABLE) {
      // Redis unreachable: the phone should retry later, not think its credentials are wrong.
      status = 503;
      reason = 'Service Unavailable';
      headers = { 'Retry-After': String(this.#options.retryAfterSec) };
      this.#deps.logger.error({ err }, 'REGISTER failed: state store unavailable');
    } else {
      this.#deps.logger.error({ err }, 'REGISTER failed');
    }
    this.#deps.metrics?.failures.inc({ reason: failureReason(err, status) });
    try {
      res.send(status, reason, { headers });
    } catch (sendErr) {
      this.#deps.logger.warn({ err: sendErr }, 'could not answer REGISTER');
    }
    return status;
  }
}

/**
 * The `reason` label of a refused REGISTER: `reghook-<failure>` (rejected, http-error, timeout,
 * network, bad-json, bad-body), `unknown-domain`, `bad-request`, `state-unavailable`,
 * `sip-<status>` for another refusal (e.g. 403 bad credentials, 420 Require), `error`.
 */
export function failureReason(err: unknown, status: number): string {
  if (err instanceof RegHookError) return `reghook-${err.failure}`;
  if (err instanceof SipError) return err.reason === 'Unknown Domain' ? 'unknown-domain' : `sip-${err.status}`;
  if (status === 400) return 'bad-request';
  if (err instanceof PBX_ERR_STATE_UNAVAILABLE) return 'state-unavailable';
  return 'error';
}
