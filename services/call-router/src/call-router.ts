import type { ConfigSource } from '@dragonpbx/shared/config';
import { PbxError } from '@dragonpbx/shared/contracts';
import type { MediaClient } from '@dragonpbx/shared/messaging';
import { CLAIMED_BY_CALLER, DigestVerifier, unsupportedOptionTags } from '@dragonpbx/shared/sip';
import type { SrfApp, SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import type { StateStore } from '@dragonpbx/shared/state';
import type { WebhookClient } from '@dragonpbx/shared/webhooks';
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { contextFromTraceparent } from '@dragonpbx/shared/platform';
import type { Logger } from 'pino';
import type { CallRouterMetrics } from './call-router-metrics.js';
import { type CallRouterOptions, type CallRouterOptionsInput, resolveCallRouterOptions } from './call-router-options.js';
import type { CallJoiner } from './engine/attended-transfer.js';
import { CallSession, type CallSessionDeps } from './engine/call-session.js';
import type { StatusEventSink } from './engine/status-event-sink.js';
import { checkInviteSdp } from './routing/check-invite-sdp.js';
import { parseInvite } from './routing/parse-invite.js';
import { FileHookRenderer } from './routing/render-file-hook.js';
import { DialplanCache } from './routing/select-dialplan.js';
import { HttpMediaCache } from './verbs/announce/http-media-cache.js';
import type { RemotePickups } from './verbs/pickup/remote-pickup.js';
import type { VerbServices } from './verbs/verb-context.js';

/** Option-tags an INVITE may require: session timers (RFC 4028), which the SIP server runs. */
const INVITE_SUPPORTED: readonly string[] = ['timer'];

/** Collaborators of {@link CallRouter}; every one is owned (and closed) by the caller. */
export interface CallRouterDeps {
  readonly config: ConfigSource;
  /** Redis state: contacts, nonces, trunk registrations, live calls. */
  readonly state: StateStore;
  readonly webhook: WebhookClient;
  /** Where StatusHook events go (`jetStreamEventSink` in production). */
  readonly events: StatusEventSink;
  readonly logger: Logger;
  readonly metrics?: CallRouterMetrics;
  /** The media-controller client; without it `connect` is skipped (script-only deployments and tests). */
  readonly media?: MediaClient;
  /** Extra readiness checks of the dependencies the caller owns (Redis ping, NATS…). */
  readonly readiness?: () => Promise<Record<string, boolean>>;
  /** @defaultValue the global tracer `@dragonpbx/call-router` (set up by the service runner) */
  readonly tracer?: Tracer;
}

/**
 * The INVITE side of Dragon PBX as a drachtio-srf application: every new
 * INVITE runs the routing chain and its CallScript in a {@link CallSession}.
 * Each replica owns the calls it accepted; shared state lives in Redis.
 */
export class CallRouter {
  readonly options: CallRouterOptions;
  readonly verifier: DigestVerifier;
  readonly #deps: CallRouterDeps;
  readonly #sessionDeps: CallSessionDeps;
  readonly #sessions = new Set<CallSession>();
  readonly #running = new Set<Promise<void>>();
  #srf: SrfApp | undefined;
  #draining = false;
  #services: VerbServices | undefined;
  #joiner: CallJoiner | undefined;
  /** The cluster's call commands, for a pickup of a call another replica owns. */
  #remote: RemotePickups | undefined;

  constructor(input: CallRouterOptionsInput, deps: CallRouterDeps) {
    this.options = resolveCallRouterOptions(input);
    this.#deps = deps;
    this.verifier = new DigestVerifier(
      { secret: this.options.nonceSecret, lifetimeSec: this.options.nonceLifetimeSec },
      { replay: CLAIMED_BY_CALLER },
    );
    const { state } = deps;
    this.#sessionDeps = {
      config: deps.config,
      contacts: state.contacts,
      trunkRegistrations: state.trunkRegistrations,
      calls: state.calls,
      verifier: this.verifier,
      replay: state.nonces,
      webhook: deps.webhook,
      dialplans: new DialplanCache(),
      files: new FileHookRenderer(this.options.filePath),
      sink: deps.events,
      logger: deps.logger,
      // Set after construction (the REST commands need the router first): see useJoiner.
      joiner: {
        replace: (...args) => this.#joinerOrFail().replace(...args),
        hangup: (...args) => this.#joinerOrFail().hangup(...args),
      },
      ...(deps.metrics && {
        onPublishFailed: () => deps.metrics!.publishFailures.inc(),
        onPostDial: (seconds: number) => deps.metrics!.postDialDelay.observe(seconds),
        onAnswered: (seconds: number) => {
          deps.metrics!.callsAnswered.inc();
          deps.metrics!.answerTime.observe(seconds);
        },
      }),
    };
  }

  /**
   * How calls reach other calls of the cluster (attended transfer): the REST
   * commands, which run a command here or send it to the owning replica.
   */
  useJoiner(joiner: CallJoiner): void {
    this.#joiner = joiner;
  }

  #joinerOrFail(): CallJoiner {
    if (this.#joiner === undefined) throw new PbxError('PBX_ERR_REPLACES_UNAVAILABLE', 'attended transfer needs the call commands (useJoiner)', 501);
    return this.#joiner;
  }

  /** Calls in progress on this instance. */
  get activeCalls(): number {
    return this.#sessions.size;
  }

  /** This replica's live call `callId` (REST commands), if it owns one. */
  session(callId: string): CallSession | undefined {
    for (const s of this.#sessions) if (s.invite.callId === callId) return s;
    return undefined;
  }

  /** Sends pickups of calls other replicas own through `commands` (docs/contract.md §4.6). */
  useCommands(commands: RemotePickups): void {
    this.#remote = commands;
  }

  /** Routes new INVITEs of `srf` to this router (call before connecting). */
  attach(srf: SrfApp): void {
    this.#srf = srf;
    if (this.#deps.media) {
      this.#services = {
        srf,
        media: this.#deps.media,
        contacts: this.#deps.state.contacts,
        mediaPath: this.options.mediaPath,
        mediaCache: new HttpMediaCache({ dir: this.options.mediaCachePath }),
        trunks: this.#deps.config,
        defaultCodecs: this.options.defaultCodecs,
        defaultRingtone: this.options.defaultRingtone,
        pickup: {
          instanceId: this.options.instanceId,
          calls: this.#deps.state.calls,
          target: (callId) => this.session(callId),
          remote: () => this.#remote,
        },
      };
    }
    srf.invite((req, res) => void this.onInvite(req, res));
  }

  /** Nothing to start beyond {@link attach}: the dependencies are started by their owner. */
  async start(srf?: SrfApp): Promise<void> {
    if (srf && this.#srf !== srf) this.attach(srf);
  }

  /** Handles one new INVITE; resolves once its call is over. */
  async onInvite(req: SrfRequest, res: SrfResponse): Promise<void> {
    if (this.#draining) {
      this.#send(res, 503, 'Service Unavailable', { 'Retry-After': String(this.options.retryAfterSec) });
      this.#counted(503);
      return;
    }
    // RFC 3261 §8.2.2.3: an extension the caller requires and we lack is refused before anything runs.
    const unsupported = unsupportedOptionTags('INVITE', req.get('Require'), INVITE_SUPPORTED);
    if (unsupported.length > 0) {
      this.#send(res, 420, 'Bad Extension', { Unsupported: unsupported.join(', ') });
      this.#counted(420);
      return;
    }
    let invite: ReturnType<typeof parseInvite>;
    try {
      invite = parseInvite(req);
    } catch (err) {
      const why = err instanceof PbxError ? err.message : 'unreadable INVITE';
      this.#send(res, 400, 'Bad Request', { 'X-Reason': why.slice(0, 160) });
      this.#counted(400);
      return;
    }
    const refusal = checkInviteSdp(req);
    if (refusal !== undefined) {
      this.#deps.logger.warn({ code: refusal.code, callId: invite.callId, reason: refusal.headers['X-Reason'] }, 'INVITE body refused');
      this.#send(res, refusal.status, refusal.reason, refusal.headers);
      this.#counted(refusal.status);
      return;
    }
    const srf = this.#srf;
    const io = {
      send: (s: number, r: string | undefined, h: Record<string, string>) => this.#send(res, s, r, h),
      progress: (status: number, sdp: string) => {
        try {
          // A provisional without SDP (`sdp === ''`) is relayed bare (docs/contract.md §4.2).
          res.send(status, sdp === '' ? {} : { body: sdp, headers: { 'Content-Type': 'application/sdp' } });
        } catch (err) {
          this.#deps.logger.warn({ err, status }, 'could not send early media');
        }
      },
      answer: (sdp: string) => {
        if (srf === undefined) return Promise.reject(new Error('not attached to a drachtio-srf app'));
        return srf.createUAS(req, res, { localSdp: sdp });
      },
      sdp: typeof req.body === 'string' ? req.body : '',
      fromTag: fromTagOf(req),
    };
    const deps = this.#services ? { ...this.#sessionDeps, services: this.#services } : this.#sessionDeps;
    // One trace per call: the `call` span is the parent of the CallHook requests, the
    // media-controller requests and every StatusHook event's delivery. A `traceparent`
    // header on the INVITE (W3C Trace Context) makes the call join the caller's trace.
    const parent = contextFromTraceparent(req.get('traceparent') || undefined, context.active());
    const span = (this.#deps.tracer ?? trace.getTracer('@dragonpbx/call-router')).startSpan(
      'call',
      { kind: SpanKind.SERVER, attributes: { 'sip.call_id': invite.callId, 'dragon.domain': invite.domain, 'dragon.from': invite.from, 'dragon.to': invite.to } },
      parent,
    );
    const callContext = trace.setSpan(parent, span);
    const session = context.with(callContext, () => new CallSession(invite, io, this.options, deps));
    req.on('cancel', () => session.cancel());
    this.#sessions.add(session);
    this.#deps.metrics?.callsStarted.inc();
    this.#deps.metrics?.activeCalls.inc();
    const run = context.with(callContext, () => session.run()).finally(() => {
      span.setAttribute('sip.status_code', session.finalStatus);
      if (session.finalStatus >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      this.#sessions.delete(session);
      this.#running.delete(run);
      this.#deps.metrics?.activeCalls.dec();
      this.#counted(session.finalStatus);
      const code = session.finalStatus;
      if (code >= 300 && code !== 401 && code !== 407) this.#deps.metrics?.callsFailed.inc({ code: String(code) });
    });
    this.#running.add(run);
    await run;
  }

  /** Readiness of the SIP side plus the owner's checks. */
  async readiness(): Promise<Record<string, boolean>> {
    const own = { accepting: !this.#draining, attached: this.#srf !== undefined };
    return { ...own, ...(this.#deps.readiness ? await this.#deps.readiness() : {}) };
  }

  /**
   * Stops taking new calls (they get 503 with `Retry-After`, so the SIP edge
   * or the caller tries another replica) and resolves when the calls in
   * progress have ended, or after `timeoutMs`.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    this.#draining = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Ends every call now (undecided ones get 503) and waits for their cleanup. */
  async stop(): Promise<void> {
    this.#draining = true;
    for (const s of this.#sessions) s.shutdown();
    await Promise.allSettled([...this.#running]);
  }

  /**
   * drachtio-srf refuses status codes outside its table (e.g. 499); such a
   * code is sent as its class (RFC 3261 §21: an unknown code is treated as
   * x00 anyway) with the reason phrase kept.
   */
  #send(res: SrfResponse, status: number, reason: string | undefined, headers: Record<string, string>): void {
    try {
      res.send(status, reason, { headers });
    } catch (err) {
      const fallback = Math.floor(status / 100) * 100;
      this.#deps.logger.warn({ err, status, fallback }, 'status refused by drachtio-srf; sending its class');
      try {
        res.send(fallback, reason, { headers });
      } catch (err2) {
        this.#deps.logger.warn({ err: err2, status }, 'could not answer the INVITE');
      }
    }
  }

  #counted(status: number): void {
    this.#deps.metrics?.invites.inc({ status: String(status) });
  }
}

/** The caller's From tag (RFC 3261 §8.1.1.3); `''` when it has none. */
function fromTagOf(req: SrfRequest): string {
  try {
    const tag = req.getParsedHeader('From').params.tag;
    return typeof tag === 'string' ? tag : '';
  } catch {
    return '';
  }
}
