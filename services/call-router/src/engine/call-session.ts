import { type CallHookRequest, type CallScript, type ConnectDest, PbxError, SipError, callScriptIssues, formatIssues } from '@dragonpbx/shared/contracts';
import { buildDigestChallenges, challengeHeaders } from '@dragonpbx/shared/sip';
import type { Dialog, SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import { type CallStore, PBX_ERR_STATE_UNAVAILABLE } from '@dragonpbx/shared/state';
import { callLogger, formatTraceparent, inSpan } from '@dragonpbx/shared/platform';
import { type Context, context, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { PBX_ERR_CALL_LEG_STATE, PBX_ERR_INVITE_INVALID, PBX_ERR_REPLACES_NO_DIALOG, PBX_ERR_UPDATE_LEG_HOOK } from '../call-router-errors.js';
import { callTracer } from '../call-tracer.js';
import type { CallRouterOptions } from '../call-router-options.js';
import { callHookBody } from '../routing/call-hook-body.js';
import type { Caller } from '../routing/caller.js';
import { fetchCallScript } from '../routing/fetch-call-script.js';
import type { InviteInfo } from '../routing/invite-info.js';
import type { FileHookRenderer } from '../routing/render-file-hook.js';
import { type RouteInviteDeps, routeInvite } from '../routing/route-invite.js';
import type { ReferProgress, Transferor, TransferRequest } from '../verbs/connect/refer.js';
import { PICKED_UP, type PickupEnd, type PickupRequest, type PickupTarget, joinPicker } from '../verbs/pickup/pickup-join.js';
import { clientExtensions } from '../verbs/pickup/pickup-target.js';
import { runVerb } from '../verbs/run-verb.js';
import type { BridgedLeg, CallMediaState, CallerLeg, VerbContext, VerbServices } from '../verbs/verb-context.js';
import { type CallJoiner, type ReplaceRequest, type ReplaceResult, replaceBridgeSide, runAttendedTransfer, stayJoined } from './attended-transfer.js';
import { CallEvents, type StatusLabel } from './call-events.js';
import { CallState } from './call-state.js';
import { CallStateMachine } from './call-state-machine.js';
import { CallSummaryKeeper } from './call-summary-keeper.js';
import { transferCallHook, transferHookBody } from './call-transfer.js';
import type { StatusEventSink } from './status-event-sink.js';


/**
 * How long a summary change waits for more (bench/results/call-router.md): a
 * call routed, answered and bridged within it costs Redis one write, not
 * three; REST and pickup readers see it that much later.
 */
const SUMMARY_COALESCE_MS = 20;

/** A far-end leg kept when its caller leaves (REST update of leg B, a picked-up outbound call). */
type KeptLeg = { readonly dialog: Dialog; readonly tag: string; readonly codecs: readonly string[] };
/**
 * The reason every call's abort signal carries. Verbs only look at
 * `signal.aborted`; one shared reason spares each call the DOMException (and
 * its stack capture) that `abort()` without a reason builds.
 */
const CALL_OVER = new Error('the call is over');
/** The reason a script's signal carries when a REST update-leg replaces it. */
const SCRIPT_REPLACED = new Error('the script was replaced');

/** The caller's INVITE as the session drives it (drachtio-srf's `res.send` / `createUAS`). */
export interface CallResponder {
  send(status: number, reason: string | undefined, headers: Record<string, string>): void;
  /** Sends a provisional response carrying `sdp` (early media). */
  progress(status: number, sdp: string): void;
  /** Answers 200 OK with `sdp` (RFC 3261 §13.3.1.4) and resolves the UAS dialog. */
  answer(sdp: string): Promise<Dialog>;
  /** The caller's SDP offer, `''` when none. */
  readonly sdp: string;
  /** The caller's From tag. */
  readonly fromTag: string;
}

/** Collaborators of {@link CallSession}. */
export interface CallSessionDeps extends RouteInviteDeps {
  readonly calls: Pick<CallStore, 'put' | 'remove'>;
  readonly files: FileHookRenderer;
  readonly sink: StatusEventSink;
  readonly logger: Logger;
  readonly onPublishFailed?: () => void;
  /** Seconds from the INVITE to the first B-leg INVITE of the call (post-dial delay), once per call. */
  readonly onPostDial?: (seconds: number) => void;
  /** Seconds from the INVITE to the 200 OK sent to the caller. */
  readonly onAnswered?: (seconds: number) => void;
  /** SIP and media services for `connect`; without them `connect` is skipped. */
  readonly services?: VerbServices;
  /** Reaches other calls for attended transfers; without it a REFER with Replaces ends with NOTIFY 501. */
  readonly joiner?: CallJoiner;
}

/**
 * One call, from INVITE to the end of its CallScript (docs/contract.md §1.2, §1.4,
 * §1.5): the routing chain, the CallHook, validation, the verbs one after
 * another, the retry loop and the final 604. Its {@link CallStateMachine}
 * guards every step; a caller CANCEL aborts whatever runs and nothing is
 * sent to the caller afterwards.
 */
export class CallSession implements PickupTarget {
  readonly invite: InviteInfo;
  readonly machine: CallStateMachine;
  readonly #io: CallResponder;
  readonly #options: CallRouterOptions;
  readonly #deps: CallSessionDeps;
  readonly #abort = new AbortController();
  readonly #log: Logger;
  readonly #summary: CallSummaryKeeper;
  #events: CallEvents | undefined;
  #aDialog: Dialog | undefined;
  readonly #cleanups: (() => Promise<unknown>)[] = [];
  readonly #media: CallMediaState = {};
  /** Final status sent to the caller (487 after a CANCEL), 0 while none. */
  #finalStatus = 0;
  /** When the INVITE arrived (performance.now()), for the post-dial delay and answer time. */
  readonly #receivedAt = performance.now();
  #postDialSeen = false;
  /** Who called and the callHook inputs, once routed (REST update-leg fetches). */
  #caller: Caller | undefined;
  /** Aborts the running script only (a REST update-leg replaces it); the call's own signal aborts everything. */
  #scriptAbort = new AbortController();
  /** A script waiting to replace the running one (REST update-leg). */
  #replacement: CallScript | undefined;
  /** The B leg a `connect` bridged, while it is up. */
  #bLeg: BridgedLeg | undefined;
  /** An attended transfer joined the party to another call: settles when that join ends. */
  #joined: Promise<void> | undefined;
  /** A REFER accepted on a bridge, to run once the current script has ended (docs/contract.md §5.2). */
  #pendingTransfer: TransferRequest | undefined;
  /** The running transfer script's subscription, which its first connect reports to. */
  #referral: ReferProgress | undefined;
  /** Who the call's party is: the caller (`party`), or whoever stayed after a transfer by the caller. */
  #partyIdentity: Transferor = { kind: 'party' };
  /** The party's identity before the latest hand-over (the transferor's, when the party transferred). */
  #previousIdentity: Transferor = { kind: 'party' };
  /** Client extensions a `connect` of the call is ringing now (summary `extensions`, for pickup). */
  #ringing: readonly string[] = [];
  /** A `connect` of the unanswered call is ringing (its client caller can be taken over by a pickup). */
  #forking = false;
  /** The calling client's extension, if a client called. */
  #callerExt: string | undefined;
  /** The B leg a pickup's outbound takeover kept, to hand to the picker. */
  #kept: KeptLeg | undefined;
  /** A REST update of leg B released the bridge keeping B: B becomes the party before the new script runs. */
  #keptB: KeptLeg | undefined;
  /** The running script came from a REST update-leg: its connects ring in reconnect mode (docs/contract.md §5.1). */
  #updating = false;
  /** A pickup that took the call over, to join once the script has stopped (docs/contract.md §4.6). */
  #pickup: { readonly request: PickupRequest; readonly resolve: (end: PickupEnd) => void } | undefined;

  constructor(invite: InviteInfo, io: CallResponder, options: CallRouterOptions, deps: CallSessionDeps) {
    this.invite = invite;
    this.#io = io;
    this.#options = options;
    this.#deps = deps;
    // Bound to the call's trace (the router builds the session inside the call span).
    this.#log = callLogger(deps.logger, invite.callId);
    this.machine = new CallStateMachine((err) => this.#log.error({ err }, 'call state listener failed'));
    this.#summary = new CallSummaryKeeper(deps.calls, options.callSummaryTtlSec, this.#log, SUMMARY_COALESCE_MS);
  }

  /** The final status the caller got (487 when it cancelled), 0 while the call is undecided. */
  get finalStatus(): number {
    return this.#finalStatus;
  }

  /** The call's StatusHook events (undefined until the dialplan matched). */
  get events(): CallEvents | undefined {
    return this.#events;
  }

  /** The caller CANCELled (RFC 3261 §9.2): the SIP server has answered 487; stop everything. */
  cancel(): void {
    if (this.machine.transactionOver) return;
    this.machine.transition(CallState.Cancelled);
    this.#finalStatus = 487;
    this.#stopAll();
  }

  /** The router is stopping: refuse the call if it is still undecided, then stop everything. */
  shutdown(): void {
    this.#respond(503, 'Service Unavailable', { 'Retry-After': String(this.#options.retryAfterSec) });
    void this.#hangupCaller();
    this.#stopAll();
  }

  /** Runs the call to its end; never rejects. */
  async run(): Promise<void> {
    try {
      await this.#route();
    } catch (err) {
      this.#fail(err);
    } finally {
      await this.#end();
    }
  }

  async #route(): Promise<void> {
    const o = this.#options;
    const routed = await routeInvite(
      this.invite,
      { algorithms: o.algorithms, retryAfterSec: o.retryAfterSec, hookTimeoutMs: o.hookTimeoutMs },
      this.#deps,
    );
    if (this.machine.finished) return;
    if (routed.kind === 'challenge') {
      const nonce = this.#deps.verifier.nonces.issue(this.invite.domain);
      const challenges = buildDigestChallenges({ realm: this.invite.domain, nonce, stale: routed.stale, algorithms: o.algorithms });
      this.#respond(401, 'Unauthorized', challengeHeaders(challenges));
      return;
    }
    const { caller, selection } = routed;
    this.#caller = caller;
    if (caller.kind === 'client') this.#callerExt = caller.username;
    this.#events = new CallEvents(
      {
        callId: this.invite.callId,
        domain: this.invite.domain,
        ...(selection.match.statusHook !== undefined && { statusHook: selection.match.statusHook }),
        ...traceparentOf(context.active()),
      },
      { sink: this.#deps.sink, logger: this.#log, ...(this.#deps.onPublishFailed && { onPublishFailed: this.#deps.onPublishFailed }) },
    );
    this.#summary.put({
      callId: this.invite.callId,
      instanceId: o.instanceId,
      domain: this.invite.domain,
      from: this.invite.from || 'anonymous',
      to: this.invite.to || 'unknown',
      state: 'trying',
      startedAt: Date.now(),
      extensions: [],
      extra: { caller: caller.kind === 'trunk' ? { trunk: caller.trunk.id } : { client: caller.username }, dialplanKey: selection.match.key },
    });
    const callerLeg: CallerLeg = {
      sdp: this.#io.sdp,
      fromTag: this.#io.fromTag,
      from: this.invite.from,
      codecs: selection.codecs ?? o.defaultCodecs,
      domain: this.invite.domain,
    };
    await this.#scriptLoop(caller, selection.match.callHook, callerLeg);
  }

  /** Fetch → validate → run, then retry while nothing final was sent (docs/contract.md §1.5). */
  async #scriptLoop(caller: Caller, callHook: string, callerLeg: CallerLeg): Promise<void> {
    for (let count = 0; ; count++) {
      this.machine.transition(CallState.Fetching);
      const body = callHookBody(this.invite, caller, count);
      const raw = await inSpan(callTracer, 'route callhook', () => fetchCallScript(callHook, body, this.#options.hookTimeoutMs, { ...this.#deps, logger: this.#log }), {
        attributes: () => ({ 'dragon.callhook.count': count }),
      });
      if (this.machine.finished) return;
      const script = this.#validate(raw);
      this.machine.transition(CallState.Running);
      await this.#runScript(script, callerLeg);
      await this.#runReplacements(callerLeg);
      await this.#runPickup(callerLeg);
      if (this.machine.finished) return;
      if (this.machine.state === CallState.Answered) {
        await this.#transfers(caller);
        await this.#joined;
        if (this.machine.finished) return;
        // docs/contract.md §1.4: when the script runs out with the caller still up, hang up.
        await this.#hangupCaller();
        return;
      }
      if (count >= this.#options.maxRetries) {
        this.#respond(604, 'Does Not Exist Anywhere', {});
        return;
      }
    }
  }

  /**
   * Transfers (docs/contract.md §5.2), one after another while the party is up: the
   * transferor's CallHook with `refer: true`, then its script against the party
   * (a connect there rings in reconnect mode). A hook or script failure ends
   * the transfer with that status in the final NOTIFY; a script that ends
   * without reporting ends it with 480.
   */
  async #transfers(caller: Caller): Promise<void> {
    while (this.#pendingTransfer !== undefined && this.machine.state === CallState.Answered) {
      const t = this.#pendingTransfer;
      this.#pendingTransfer = undefined;
      const { subscription, remaining } = t;
      this.#cleanups.push(async () => {
        subscription.finish(487, 'Request Terminated');
        await subscription.settled();
      });
      if (t.target.replaces !== undefined) {
        await this.#attendedTransfer(t);
        continue;
      }
      const leg: CallerLeg = { sdp: remaining.dialog.remote.sdp, fromTag: remaining.tag, from: remaining.from, codecs: remaining.codecs, domain: this.invite.domain };
      let script: CallScript;
      try {
        // A REFER from the party: the party was handed over at once, so the transferor is the previous one.
        const by = t.transferor.kind === 'party' ? this.#previousIdentity : t.transferor;
        const hook = await transferCallHook(this.invite, caller, by, t, this.#deps);
        const body = transferHookBody(this.invite, t, hook.source);
        const raw = await fetchCallScript(hook.callHook, body, this.#options.hookTimeoutMs, { ...this.#deps, logger: this.#log });
        if (this.machine.finished) return;
        script = this.#validate(raw);
      } catch (err) {
        const e = err instanceof SipError ? err : new SipError(500, 'Server Internal Error');
        if (!(err instanceof SipError)) this.#log.error({ err, code: 'PBX_ERR_TRANSFER' }, 'transfer failed');
        else this.#log.warn({ code: 'PBX_ERR_TRANSFER', status: e.status, why: e.headers?.['X-Reason'] }, 'transfer has no script');
        subscription.finish(e.status, e.reason ?? 'Failed');
        return;
      }
      this.#referral = subscription;
      await this.#runScript(script, leg);
      this.#referral = undefined;
      subscription.finish(480, 'Temporarily Unavailable');
    }
  }

  /** A REFER with Replaces (engine/attended-transfer.ts): join the party to the replaced call's. */
  async #attendedTransfer(t: TransferRequest): Promise<void> {
    const { joiner, services } = this.#deps;
    if (joiner === undefined || services === undefined) {
      t.subscription.finish(501, 'Not Implemented');
      return;
    }
    await runAttendedTransfer(t, {
      callId: this.invite.callId,
      domain: this.invite.domain,
      signal: this.#abort.signal,
      media: services.media,
      joiner,
      logger: this.#log,
      defer: (cleanup) => this.#cleanups.push(cleanup),
    });
  }

  /**
   * The other half of an attended transfer (the transferor's call asks through `replace`):
   * the bridged side the transferor's Replaces names is BYEd, the other one re-INVITEd onto
   * the transferor's call's media and kept as this call's party until either call ends.
   * @throws PBX_ERR_REPLACES_NO_DIALOG (481) another domain, not bridged, or no such dialog
   * @throws PBX_ERR_REPLACES_REINVITE (480)
   */
  async replaceParty(request: ReplaceRequest): Promise<ReplaceResult> {
    const join = this.#bLeg?.join;
    const { services, joiner } = this.#deps;
    if (join === undefined || services === undefined || joiner === undefined || request.peer.domain !== this.invite.domain || this.#joined !== undefined) {
      throw new PBX_ERR_REPLACES_NO_DIALOG(`${this.invite.callId}: not bridged`);
    }
    const handOver = (transferor: 'A' | 'B') => {
      const stays = transferor === 'A' ? join.b : join.a;
      if (this.#abort.signal.aborted) {
        // The transferor hung this call up while the other party was being moved: nobody would BYE it now.
        void stays.dialog.destroy().catch(() => undefined);
        throw new PBX_ERR_REPLACES_NO_DIALOG(`${this.invite.callId}: ended meanwhile`);
      }
      // The party that stays becomes the call's party before the transferor's BYE, which would end the call.
      if (stays.dialog !== this.#aDialog) this.#watchParty(stays.dialog);
      this.#joined = stayJoined(stays.dialog, request.peer, { callId: this.invite.callId, signal: this.#abort.signal, joiner, logger: this.#log });
      join.handOver(transferor);
    };
    const { result } = await replaceBridgeSide({ a: join.a, b: join.b, handOver }, request, { callId: this.invite.callId, media: services.media, logger: this.#log });
    return { ...result, callId: this.invite.callId };
  }

  /** docs/contract.md §3.3: an invalid script gets `script:invalid` naming each JSON path, and the caller 500. */
  #validate(raw: unknown): CallScript {
    const issues = callScriptIssues(raw);
    if (issues.length === 0) return raw as CallScript;
    const reason = 'Invalid CallScript';
    this.#log.warn({ code: 'PBX_ERR_SCRIPT_INVALID', issues: formatIssues(issues) }, 'CallHook answered an invalid CallScript');
    this.#events?.emit('script:invalid', undefined, { error: { status: 500, reason }, issues: issues.slice(0, 20) });
    throw new SipError(500, reason);
  }

  async #runScript(script: CallScript, callerLeg: CallerLeg): Promise<void> {
    // Aborted when the call ends (#stopAll) or when an update-leg replaces the script.
    const signal = this.#scriptAbort.signal;
    for (const verb of script) {
      if (this.machine.finished || signal.aborted) return;
      const ctx = this.#context(verb.statusLabel as StatusLabel, callerLeg, signal);
      if (this.#updating) ctx.reconnectMode = true;
      if ((await inSpan(callTracer, `verb ${verb.verb}`, () => runVerb(verb, ctx))) === 'end') return;
    }
  }

  /** What a verb (or a pickup's join) may do to the call. */
  #context(label: StatusLabel, callerLeg: CallerLeg, signal: AbortSignal): VerbContext {
    const machine = this.machine;
    const session = this;
    const ctx: VerbContext = {
      callId: this.invite.callId,
      signal,
      get answered() {
        return machine.state === CallState.Answered;
      },
      respond: (status, reason, headers) => this.#respond(status, reason, headers),
      answer: (sdp) => this.#answer(sdp),
      legsSent: () => {
        if (this.#postDialSeen) return;
        this.#postDialSeen = true;
        this.#deps.onPostDial?.((performance.now() - this.#receivedAt) / 1000);
      },
      progress: (status, sdp) => {
        if (!this.machine.transactionOver) this.#io.progress(status, sdp);
      },
      media: this.#media,
      emit: (event, extra) => this.#events?.emit(event, label, extra),
      defer: (cleanup) => {
        this.#cleanups.push(cleanup);
      },
      caller: callerLeg,
      bridged: (leg) => this.#bridged(leg),
      ringing: (dests) => this.#ringingLegs(dests),
      get dialog() {
        return session.#aDialog;
      },
      ...(this.#referral !== undefined && { referral: this.#referral }),
      transfer: (t) => this.#acceptTransfer(t),
      ...(this.#deps.services && { services: this.#deps.services }),
      logger: this.#log,
    };
    return ctx;
  }

  /** Runs each script a REST update-leg put in place of the running one, on the answered caller. */
  /**
   * A kept far-end leg becomes the call's party (its BYE ends the call) and the
   * dialog that was the party gets BYE; returns the leg the next script runs against.
   */
  async #partyBecomes(kept: KeptLeg, byeFailed: string): Promise<CallerLeg> {
    const previous = this.#aDialog;
    this.#watchParty(kept.dialog);
    await previous?.destroy().catch((err: unknown) => this.#log.warn({ err }, byeFailed));
    return { sdp: kept.dialog.remote.sdp, fromTag: kept.tag, from: this.invite.to, codecs: kept.codecs, domain: this.invite.domain };
  }

  async #runReplacements(callerLeg: CallerLeg): Promise<void> {
    let party = callerLeg;
    while (this.#replacement !== undefined && this.machine.state === CallState.Answered) {
      const script = this.#replacement;
      this.#replacement = undefined;
      this.#scriptAbort = new AbortController();
      if (this.#abort.signal.aborted) this.#scriptAbort.abort(CALL_OVER);
      const keptB = this.#keptB;
      if (keptB !== undefined) {
        // Leg B kept (docs/contract.md §5.1 "keep that leg and drop the other"): B becomes the
        // call's party (its BYE ends the call), the caller gets BYE, the script runs against B.
        this.#keptB = undefined;
        party = await this.#partyBecomes(keptB, 'BYE to the caller dropped by an update of leg B failed');
      }
      this.#updating = true;
      try {
        await this.#runScript(script, party);
      } finally {
        this.#updating = false;
      }
    }
  }

  #bridged(leg: BridgedLeg): () => void {
    const pending = this.#pickup;
    if (pending?.request.kind === 'outbound' && this.#kept === undefined && leg.release !== undefined && leg.kept !== undefined) {
      // docs/contract.md §4.6 outbound takeover: the far end answered; it is the picker's now.
      if (pending.request.picker.signal.aborted) {
        this.#pickup = undefined;
        pending.resolve({ outcome: 'refused', why: 'the picker hung up' });
      } else {
        // The connect ends its script as after a transfer (no abort: that would BYE the kept leg).
        this.#kept = leg.kept;
        leg.release();
        return () => undefined;
      }
    }
    this.#bLeg = leg;
    // The SIP Call-IDs of both bridged dialogs: an attended transfer's Replaces may name either (attended-transfer.ts).
    this.#summary.extra({ endpointB: leg.dest, ...(leg.join && { dialogs: [leg.join.a.dialog.sip.callId, leg.join.b.dialog.sip.callId] }) });
    this.#publishExtensions();
    return () => {
      if (this.#bLeg !== leg) return;
      this.#bLeg = undefined;
      this.#summary.extra({ endpointB: null, dialogs: null });
      this.#publishExtensions();
    };
  }

  /** A connect rings `dests`: its client extensions join the summary until the fork is over. */
  #ringingLegs(dests: readonly ConnectDest[]): () => void {
    const exts = clientExtensions(dests);
    const answered = this.machine.state === CallState.Answered;
    // Nothing a pickup could take: no summary write.
    if (exts.length === 0 && (answered || this.#callerExt === undefined)) return () => undefined;
    this.#ringing = exts;
    this.#forking = !answered;
    this.#publishExtensions();
    return () => {
      if (this.#ringing !== exts) return;
      this.#ringing = [];
      this.#forking = false;
      this.#publishExtensions();
    };
  }

  /** The summary's `extensions` (ringing and bridged clients), `extra.ringing` and the unanswered state. */
  #publishExtensions(): void {
    const b = this.#bLeg?.dest;
    const answered = this.machine.state === CallState.Answered;
    const outbound = this.#forking && !answered && this.#callerExt !== undefined ? [this.#callerExt] : [];
    const extensions = [...new Set([...this.#ringing, ...(b?.type === 'client' ? [b.address] : []), ...outbound])];
    this.#summary.update({ extensions, ...(!answered && { state: this.#forking ? 'ringing' : 'trying' }) });
    this.#summary.extra({ ringing: this.#ringing });
  }

  /**
   * Pickup (docs/contract.md §4.6): the call gives up the leg at `request.ext`, if that
   * leg is still ringing (its legs are CANCELled) or bridged there (it gets
   * BYE), and its party is joined to the picker once the script has stopped.
   * Resolves when that bridge ends, or `refused` when the leg is not there.
   */
  pickUp(request: PickupRequest): Promise<PickupEnd> {
    const refuse = (why: string) => Promise.resolve<PickupEnd>({ outcome: 'refused', why });
    if (this.#pickup !== undefined) return refuse('the call is being picked up already');
    if (this.machine.finished || this.#abort.signal.aborted || this.#deps.services === undefined) return refuse('the call is over');
    const b = this.#bLeg?.dest;
    if (request.kind === 'connected' && !(b?.type === 'client' && b.address === request.ext)) return refuse(`${request.ext} is not connected`);
    if (request.kind === 'ringing' && !this.#ringing.includes(request.ext)) return refuse(`${request.ext} is not ringing`);
    const outbound = request.kind === 'outbound';
    if (outbound && !(this.#forking && this.machine.state !== CallState.Answered && this.#callerExt === request.ext)) return refuse(`${request.ext}'s call is not ringing out`);
    this.#log.info({ kind: request.kind, ext: request.ext, picker: request.picker.callId }, 'picked up');
    return new Promise((resolve) => {
      this.#pickup = { request, resolve };
      // Outbound takeover: the call goes on until the far end answers (#bridged).
      if (outbound) return;
      if (request.kind === 'connected') this.#bLeg?.drop();
      this.#scriptAbort.abort(PICKED_UP);
    });
  }

  /** Joins the picker once the script has stopped for a pickup. */
  async #runPickup(callerLeg: CallerLeg): Promise<void> {
    const pending = this.#pickup;
    if (pending === undefined) return;
    this.#scriptAbort = new AbortController();
    if (this.#abort.signal.aborted) this.#scriptAbort.abort(CALL_OVER);
    const services = this.#deps.services;
    const kept = this.#kept;
    const unanswered = pending.request.kind === 'outbound' && kept === undefined;
    if (services === undefined || this.machine.finished || unanswered) {
      this.#pickup = undefined;
      pending.resolve({ outcome: 'refused', why: unanswered ? 'the far end did not answer' : 'the call is over' });
      return;
    }
    let leg = callerLeg;
    if (kept !== undefined) {
      // The far end becomes the call's party; the originator, briefly connected, gets BYE.
      this.#kept = undefined;
      leg = await this.#partyBecomes(kept, 'BYE to the originator failed');
    }
    const end = await joinPicker(pending.request, this.#context(undefined, leg, this.#scriptAbort.signal), services).catch(
      (err: unknown): PickupEnd => {
        this.#log.error({ err, code: 'PBX_ERR_PICKUP_JOIN' }, 'pickup failed');
        return { outcome: 'failed', status: 500, reason: 'Server Internal Error', answered: false };
      },
    );
    this.#pickup = undefined;
    pending.resolve(end);
  }

  /** The B leg a `connect` bridged to the caller, while it is up. */
  get bridgedTo(): ConnectDest | undefined {
    return this.#bLeg?.dest;
  }

  /**
   * REST hang-up (docs/contract.md §5.1). Leg A: an answered caller gets BYE
   * (and the bridged B leg with it); an undecided one 480. Leg B: the bridged
   * leg gets BYE and the script goes on with the caller, as when B hangs up.
   * @throws PBX_ERR_CALL_LEG_STATE when that leg is not up (409)
   */
  hangup(leg: 'A' | 'B'): void {
    if (leg === 'B') {
      if (this.#bLeg === undefined) throw new PBX_ERR_CALL_LEG_STATE('the call has no bridged B leg');
      this.#bLeg.drop();
      return;
    }
    if (this.machine.state === CallState.Answered) {
      this.#log.info({ leg }, 'hung up through the REST API');
      void this.#hangupCaller();
      return;
    }
    if (this.machine.transactionOver) throw new PBX_ERR_CALL_LEG_STATE(`the call is ${this.machine.state}`);
    this.#log.info({ leg }, 'refused through the REST API before an answer');
    this.#respond(480, 'Temporarily Unavailable', { 'X-Reason': 'ended through the REST API' });
    this.#stopAll();
  }

  /**
   * REST update-leg (docs/contract.md §5.1): keeps `leg` and drops the other —
   * leg A: the B leg gets BYE; leg B: the bridged callee becomes the call's
   * party and the caller gets BYE — then runs `change.script`, or the script
   * the CallHook `change.callHook` answers (`trigger: "updateLeg"`, `leg`), in
   * place of the running one, in reconnect mode. Resolves once it is accepted;
   * runs in the background.
   * @throws PBX_ERR_CALL_LEG_STATE the caller is not connected, or leg B without a bridged B leg (409)
   * @throws PBX_ERR_UPDATE_LEG_HOOK the CallHook gave no valid script (480)
   */
  async updateLeg(leg: 'A' | 'B', change: { readonly script: CallScript } | { readonly callHook: string; readonly statusHook?: string }): Promise<void> {
    this.#assertConnected();
    if (leg === 'B' && (this.#bLeg?.release === undefined || this.#bLeg.kept === undefined)) {
      throw new PBX_ERR_CALL_LEG_STATE('the call has no bridged B leg to keep');
    }
    let script: CallScript;
    if ('script' in change) {
      script = change.script;
    } else {
      script = await this.#fetchUpdate(change.callHook, leg);
      this.#assertConnected();
      if (change.statusHook !== undefined) this.#events?.useStatusHook(change.statusHook);
    }
    this.#events?.emit('updateLeg:accepted', undefined, { leg });
    this.#replacement = script;
    const bLeg = this.#bLeg;
    if (leg === 'B' && bLeg?.release !== undefined && bLeg.kept !== undefined) {
      // The bridge ends without BYE to B (as after a transfer), which also ends the script.
      this.#keptB = bLeg.kept;
      bLeg.release();
      return;
    }
    this.#scriptAbort.abort(SCRIPT_REPLACED);
  }

  /** Stops everything the call runs: its own signal and its current script's. */
  #stopAll(): void {
    this.#abort.abort(CALL_OVER);
    this.#scriptAbort.abort(CALL_OVER);
  }

  #assertConnected(): void {
    if (this.machine.state !== CallState.Answered) throw new PBX_ERR_CALL_LEG_STATE(`the caller is not connected (${this.machine.state})`);
  }

  async #fetchUpdate(callHook: string, leg: 'A' | 'B'): Promise<CallScript> {
    const caller = this.#caller;
    if (caller === undefined) throw new PBX_ERR_CALL_LEG_STATE('the call is not routed yet');
    const body: CallHookRequest = { ...callHookBody(this.invite, caller, 0), trigger: 'updateLeg', leg };
    let raw: unknown;
    try {
      raw = await fetchCallScript(callHook, body, this.#options.hookTimeoutMs, { ...this.#deps, logger: this.#log });
    } catch (err) {
      const why = err instanceof SipError ? err.message : String(err);
      this.#events?.emit('updateLeg:failed', undefined, { leg, error: { status: 480, reason: why } });
      throw new PBX_ERR_UPDATE_LEG_HOOK(why);
    }
    const issues = callScriptIssues(raw);
    if (issues.length > 0) {
      this.#log.warn({ code: 'PBX_ERR_SCRIPT_INVALID', issues: formatIssues(issues) }, 'update-leg CallHook answered an invalid CallScript');
      this.#events?.emit('updateLeg:failed', undefined, { leg, error: { status: 480, reason: 'Invalid CallScript' }, issues: issues.slice(0, 20) });
      throw new PBX_ERR_UPDATE_LEG_HOOK(`invalid CallScript: ${formatIssues(issues).slice(0, 300)}`);
    }
    return raw as CallScript;
  }

  /** Answers the caller (200 OK); a BYE from the caller then ends the call. */
  async #answer(sdp: string): Promise<Dialog> {
    if (this.machine.transactionOver) throw new SipError(481, 'Call Does Not Exist');
    this.machine.transition(CallState.Answered);
    this.#finalStatus = 200;
    this.#summary.update({ state: 'connected', answeredAt: Date.now() });
    const dialog = await this.#io.answer(sdp);
    this.#deps.onAnswered?.((performance.now() - this.#receivedAt) / 1000);
    this.#watchParty(dialog);
    return dialog;
  }

  /** RFC 3261 §15.1.2: the party's BYE ends its dialog (drachtio-srf has answered it) and the call. */
  readonly #partyGone = (): void => {
    if (this.machine.state === CallState.Answered) this.machine.transition(CallState.HungUp);
    this.#stopAll();
  };

  /** Makes `dialog` the call's party: its BYE ends the call. */
  #watchParty(dialog: Dialog): void {
    this.#aDialog?.removeListener('destroy', this.#partyGone);
    this.#aDialog?.removeListener('refer', this.#referOutsideBridge);
    this.#aDialog = dialog;
    dialog.on('destroy', this.#partyGone);
    dialog.on('refer', this.#referOutsideBridge);
    // drachtio-srf resolves createUAS when the 200 is sent; a BYE that reaches the app in the
    // same read (a short call on a busy host) destroys the dialog before this line runs, and
    // its 'destroy' had no listener yet: without this check the call would never end.
    if (dialog.connected === false) this.#partyGone();
  }

  /**
   * A REFER while the party is not bridged (an announce, a pause, a reconnect still ringing):
   * nothing to transfer, so 403 rather than drachtio-srf's default 200 that promises a NOTIFY
   * never sent. A bridge's relay listens too and answers it then.
   */
  readonly #referOutsideBridge = (_req: SrfRequest, res: SrfResponse): void => {
    if (this.#aDialog === undefined || this.#aDialog.listenerCount('refer') > 1 || res.finalResponseSent) return;
    this.#log.warn({ code: 'PBX_ERR_REFER_INVALID' }, 'REFER refused: the call is not bridged');
    res.send(403, 'Forbidden', { headers: { 'X-Reason': 'no bridged call to transfer' } });
  };

  /**
   * A bridged connect accepted a REFER (docs/contract.md §5.2). When the party itself
   * transferred, the other side becomes the party at once, so the transferor's
   * BYE no longer ends the call.
   */
  #acceptTransfer(t: TransferRequest): void {
    this.#pendingTransfer = t;
    if (t.remaining.dialog === this.#aDialog) return;
    this.#previousIdentity = this.#partyIdentity;
    this.#partyIdentity = t.remaining.identity;
    this.#watchParty(t.remaining.dialog);
  }

  /** BYE to an answered caller (the script ran out, or the router stops). */
  async #hangupCaller(): Promise<void> {
    if (this.machine.state !== CallState.Answered) return;
    this.machine.transition(CallState.HungUp);
    this.#stopAll();
    await this.#aDialog?.destroy().catch((err: unknown) => this.#log.warn({ err }, 'BYE to the caller failed'));
  }

  /** Sends a final response unless the transaction is already over; true when sent. */
  #respond(status: number, reason: string | undefined, headers: Record<string, string>): boolean {
    if (this.machine.transactionOver) return false;
    this.machine.transition(CallState.Responded);
    this.#finalStatus = status;
    try {
      this.#io.send(status, reason, headers);
    } catch (err) {
      this.#log.warn({ err, status }, 'could not answer the INVITE');
    }
    return true;
  }

  #fail(err: unknown): void {
    if (err instanceof SipError) {
      this.#respond(err.status, err.reason, { ...err.headers });
      return;
    }
    if (err instanceof PBX_ERR_STATE_UNAVAILABLE) {
      // Redis unreachable: the caller should retry later, not hear that the number does not exist.
      this.#log.error({ err, code: 'PBX_ERR_CALL_STATE' }, 'call failed: state store unavailable');
      this.#respond(503, 'Service Unavailable', { 'Retry-After': String(this.#options.retryAfterSec) });
      return;
    }
    if (err instanceof PbxError && err.code === PBX_ERR_INVITE_INVALID.code) {
      this.#respond(400, 'Bad Request', { 'X-Reason': err.message.slice(0, 160) });
      return;
    }
    this.#log.error({ err }, 'call failed');
    this.#respond(500, 'Server Internal Error', {});
  }

  async #end(): Promise<void> {
    this.#pickup?.resolve({ outcome: 'refused', why: 'the call is over' });
    this.#pickup = undefined;
    await this.#hangupCaller();
    this.#stopAll();
    if (!this.machine.transactionOver) this.#respond(500, 'Server Internal Error', {});
    for (const cleanup of this.#cleanups.splice(0)) {
      await cleanup().catch((err: unknown) => this.#log.warn({ err }, 'call cleanup failed'));
    }
    await this.#summary.remove();
    this.machine.transition(CallState.Ended);
  }
}

/** `{ traceparent }` of the span active in `ctx`, or nothing when there is none (tracing off). */
function traceparentOf(ctx: Context): { traceparent?: string } {
  const span = trace.getSpanContext(ctx);
  const tp = span && formatTraceparent(span);
  return tp ? { traceparent: tp } : {};
}
