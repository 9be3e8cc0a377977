import { randomUUID } from 'node:crypto';
import type { RecordVerb } from '@dragonpbx/shared/contracts';
import { type Dialog, type SrfRequest, isSrfSipError } from '@dragonpbx/shared/srf';
import type { VerbContext, VerbServices } from '../verb-context.js';
import { type RecordedStream, buildMetadata, buildSiprecBody, labelStreams, sdpOfAnswer, siprecFrom } from './siprec-body.js';

/** How long the SRS has to answer the INVITE before it is CANCELled (`record:failed` 408). */
export const SRS_ANSWER_TIMEOUT_MS = 10_000;

/** The answered connect a recording starts on. */
export interface RecordedCall {
  /** The caller's and the answered callee's tags in the RTPEngine session. */
  readonly aTag: string;
  readonly bTag: string;
  /** The callee's address (the B leg's Request-URI). */
  readonly calleeUri: string;
  /** RTPEngine is not in the media path: nothing to fork. */
  readonly direct: boolean;
}

/** Where a recording is: armed by the verb, then one way through starting → active → over. */
type RecorderState = 'armed' | 'starting' | 'active' | 'over';

/** A SIPREC failure as `record:failed` reports it (docs/contract.md §3.3). */
interface RecordError {
  readonly status: number;
  readonly reason: string;
}

/**
 * One SIPREC session (RFC 7866) of a call, this PBX being the recording client (SRC): armed
 * by a `record` verb, started when the next connect is answered. It asks the media-controller
 * to fork the chosen legs to a subscriber (RTPEngine `subscribe request`), INVITEs the
 * recording server (SRS) with a `multipart/mixed` body (that SDP offer, one m= line per leg,
 * plus the rs-metadata XML), hands the SRS's answer to RTPEngine (`subscribe answer`) and
 * BYEs the SRS when the call ends. Nothing here ever affects the call: each failure is a
 * `record:failed` event and a log line.
 */
export class SiprecRecorder {
  readonly sessionId = randomUUID();
  #state: RecorderState = 'armed';
  #toTag: string | undefined;
  #dialog: Dialog | undefined;
  #invite: SrfRequest | undefined;
  readonly #verb: RecordVerb;
  readonly #ctx: VerbContext;
  readonly #services: VerbServices;

  constructor(verb: RecordVerb, ctx: VerbContext, services: VerbServices) {
    this.#verb = verb;
    this.#ctx = ctx;
    this.#services = services;
  }

  get state(): RecorderState {
    return this.#state;
  }

  /** Starts the recording of an answered connect; returns at once, failures are events. */
  start(call: RecordedCall): void {
    if (this.#state !== 'armed') return;
    this.#state = 'starting';
    void this.#start(call).catch((err: unknown) => this.#fail({ status: 500, reason: String((err as Error)?.message ?? err).slice(0, 160) }, err));
  }

  /**
   * The call is over: BYE to the SRS, or CANCEL while it has not answered, and the fork
   * removed. Never waits for the SRS: an INVITE still pending is left to finish on its own
   * (a late 200 gets BYE).
   */
  async stop(): Promise<void> {
    const was = this.#state;
    if (was === 'over') return;
    this.#state = 'over';
    if (was === 'armed') return;
    if (was === 'starting') this.#cancelInvite();
    else await this.#dialog?.destroy().catch((err: unknown) => this.#ctx.logger.warn({ err, code: 'PBX_ERR_SIPREC', callId: this.#ctx.callId }, 'BYE to the recording server failed'));
    await this.#unsubscribe();
    this.#ctx.emit('record:stopped', { sessionId: this.sessionId, endedBy: 'call' });
  }

  /** True once the recording was stopped or failed while it was starting: the caller of this check cleans up what it holds. */
  get #gone(): boolean {
    return this.#state !== 'starting';
  }

  async #start(call: RecordedCall): Promise<void> {
    const { callId, caller } = this.#ctx;
    const verb = this.#verb;
    if (call.direct) return this.#fail({ status: 488, reason: 'direct media: no RTPEngine session to record' });
    this.#ctx.emit('record:starting', { sessionId: this.sessionId });
    const legs = verb.legs ?? 'both';
    const order: ('a' | 'b')[] = legs === 'both' ? ['a', 'b'] : [legs];
    const codecs = verb.codec === undefined ? undefined : Array.isArray(verb.codec) ? verb.codec : [verb.codec];
    const sub = await this.#services.media.subscribe({
      callId,
      fromTags: order.map((leg) => (leg === 'a' ? call.aTag : call.bTag)),
      ...(codecs && { codecs }),
    });
    this.#toTag = sub.toTag;
    if (this.#gone) return this.#unsubscribe();
    const { sdp, labels } = labelStreams(sub.sdp);
    const streams: RecordedStream[] = order.slice(0, labels.length).map((leg, i) => ({ leg, label: labels[i]! }));
    const meta = verb.metadata;
    const xml = buildMetadata({
      callId,
      startedAt: new Date(),
      caller: { aor: `sip:${caller.from}@${caller.domain}`, ...(meta?.callerName !== undefined && { name: meta.callerName }) },
      callee: { aor: call.calleeUri, ...(meta?.calleeName !== undefined && { name: meta.calleeName }) },
      streams,
      ...(meta?.session && { session: meta.session }),
    });
    const body = buildSiprecBody(sdp, xml);
    const dialog = await this.#inviteSrs(body.contentType, body.body);
    if (dialog === undefined) return;
    if (this.#gone) {
      // A 200 after the call ended or the answer timed out: end that session at once.
      await dialog.destroy().catch(() => undefined);
      return;
    }
    this.#dialog = dialog;
    const answer = sdpOfAnswer(dialog.remote.sdp ?? '', undefined);
    if (answer === undefined) {
      await dialog.destroy().catch(() => undefined);
      return this.#fail({ status: 488, reason: 'the recording server answered without SDP' });
    }
    try {
      await this.#services.media.subscribeAnswer({ callId, toTag: sub.toTag, sdp: answer });
    } catch (err) {
      await dialog.destroy().catch(() => undefined);
      throw err;
    }
    if (this.#gone) {
      await dialog.destroy().catch(() => undefined);
      return;
    }
    this.#state = 'active';
    dialog.once('destroy', () => void this.#srsHungUp());
    this.#ctx.emit('record:active', { sessionId: this.sessionId });
  }

  /**
   * Sends the INVITE; `undefined` when it failed (reported here) or the recording is over. An SRS
   * that has not answered within {@link SRS_ANSWER_TIMEOUT_MS} is CANCELled and reported at once.
   */
  async #inviteSrs(contentType: string, body: string): Promise<Dialog | undefined> {
    const verb = this.#verb;
    const from = siprecFrom(verb.from, this.#ctx.caller.domain);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(verb.headers ?? {})) headers[k] = String(v);
    Object.assign(headers, {
      'Content-Type': contentType,
      ...(verb.requireSiprec === false ? { Supported: 'siprec' } : { Require: 'siprec' }),
      ...(from !== undefined && { From: from }),
    });
    const timer = setTimeout(() => {
      if (this.#gone) return;
      this.#cancelInvite();
      void this.#fail({ status: 408, reason: 'the recording server did not answer' });
    }, SRS_ANSWER_TIMEOUT_MS);
    try {
      return await this.#services.srf.createUAC(
        verb.siprecServer,
        {
          localSdp: body,
          headers,
          ...(verb.proxy !== undefined && { proxy: verb.proxy }),
          ...(verb.auth && { auth: { ...verb.auth } }),
        },
        {
          cbRequest: (_err, req) => {
            this.#invite = req;
            if (this.#gone) this.#cancelInvite();
          },
        },
      );
    } catch (err) {
      if (this.#gone) return undefined;
      if (isSrfSipError(err)) await this.#fail({ status: err.status, reason: err.reason ?? '' });
      else await this.#fail({ status: 500, reason: String((err as Error)?.message ?? err).slice(0, 160) }, err);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #cancelInvite(): void {
    try {
      this.#invite?.cancel();
    } catch {
      // already final: the INVITE's outcome releases it
    }
  }

  /** The SRS sent BYE: the fork goes, the call stays. */
  async #srsHungUp(): Promise<void> {
    if (this.#state !== 'active') return;
    this.#state = 'over';
    await this.#unsubscribe();
    this.#ctx.emit('record:ended', { sessionId: this.sessionId, endedBy: 'srs' });
  }

  async #fail(error: RecordError, err?: unknown): Promise<void> {
    if (this.#state === 'over') return;
    this.#state = 'over';
    this.#ctx.logger.warn({ err, code: 'PBX_ERR_SIPREC', callId: this.#ctx.callId, sessionId: this.sessionId, status: error.status }, `SIPREC recording failed: ${error.reason}`);
    await this.#unsubscribe();
    this.#ctx.emit('record:failed', { sessionId: this.sessionId, error });
  }

  async #unsubscribe(): Promise<void> {
    const toTag = this.#toTag;
    if (toTag === undefined) return;
    this.#toTag = undefined;
    await this.#services.media.unsubscribe({ callId: this.#ctx.callId, toTag }).catch(() => undefined);
  }
}
