import { PbxError } from '@dragonpbx/shared/contracts';
import { type Dialog, type SrfRequest, type SrfResponse, isSrfSipError } from '@dragonpbx/shared/srf';
import { readSdp } from '../../sdp/read-sdp.js';
import type { VerbContext, VerbServices } from '../verb-context.js';
import { DTMF_INFO_TYPES, readDtmfInfo } from './dtmf-info.js';

/** A REFER on one side of the bridge (docs/contract.md §5.2): the handler answers it. */
export type ReferHandler = (from: BridgeSide, to: BridgeSide, req: SrfRequest, res: SrfResponse) => void;

/** One side of a bridge as the relay sees it. */
export interface BridgeSide {
  readonly name: 'A' | 'B';
  readonly dialog: Dialog;
  /** Its RTPEngine tag: the caller's From tag for A, B's To tag for B. */
  readonly tag: string;
  /** Codecs masked when this side offers (docs/contract.md §4.2 "Codecs"). */
  readonly codecs: readonly string[];
}

/**
 * ```
 *   Idle ──re-INVITE, UPDATE──▶ Relaying ──2xx or failure sent back──▶ Idle
 *    │  ▲                  │
 *    │  └── INFO, refresh  └── re-INVITE from either side → 491
 *    └────────── stop() (the bridge ended) ──────────▶ Stopped
 * ```
 */
export enum RelayState {
  Idle = 'idle',
  Relaying = 'relaying',
  Stopped = 'stopped',
}

const SDP_HEADERS = { 'Content-Type': 'application/sdp' };

/**
 * In-dialog requests of a bridged connect (docs/contract.md §4.2 "While
 * connected: DTMF and re-INVITEs are relayed"):
 *
 * - re-INVITE with a changed SDP from either side: offered through RTPEngine
 *   (from-tag = the sender), re-INVITE to the other side with RTPEngine's
 *   offer, its answer through RTPEngine, 200 to the sender with the result;
 *   a refusal by the other side goes back as its status (RFC 3261 §14.1, the
 *   old session stays). `connect:reinvite` with the raw request. One at a
 *   time: a second one meanwhile gets 491 (RFC 3261 §14.2).
 * - re-INVITE without SDP: 200 with our current SDP towards that side as the
 *   offer (RFC 3261 §14.2); the answer in its ACK is not relayed.
 * - UPDATE (RFC 3311) with an offer: relayed the same way (a re-INVITE to the
 *   other side), without an event; without an offer: 200 without SDP.
 * - session refresh (same SDP version, RFC 4028 §10): drachtio-srf answers
 *   200 with the current SDP; nothing is relayed. The SIP server itself sends
 *   our refreshes and the BYE on expiry.
 * - INFO `application/dtmf-relay` / `application/dtmf`: 200, then the digit is
 *   injected as RFC 4733 events towards the other side (media-controller
 *   `dtmf`, from-tag = the sender); with direct media the INFO is forwarded.
 *   Any other INFO: 200. OPTIONS: 200 (drachtio-srf); methods an INVITE
 *   dialog does not know: 501 (drachtio-srf); REFER: to the `onRefer` handler
 *   (transfer, `refer.ts`), 501 without one.
 */
export class InDialogRelay {
  #state = RelayState.Idle;
  readonly #unhook: (() => void)[] = [];

  constructor(
    private readonly a: BridgeSide,
    private readonly b: BridgeSide,
    private readonly direct: boolean,
    private readonly ctx: VerbContext,
    private readonly services: VerbServices,
    private readonly onRefer?: ReferHandler,
  ) {}

  get state(): RelayState {
    return this.#state;
  }

  start(): this {
    for (const [from, to] of [
      [this.a, this.b],
      [this.b, this.a],
    ] as const) {
      this.#on(from.dialog, 'modify', (req: SrfRequest, res: SrfResponse) => void this.#reinvite(from, to, req, res));
      this.#on(from.dialog, 'update', (req: SrfRequest, res: SrfResponse) => void this.#reinvite(from, to, req, res));
      this.#on(from.dialog, 'refresh', () => this.ctx.logger.debug({ callId: this.ctx.callId, side: from.name }, 'session refresh answered'));
      this.#on(from.dialog, 'info', (req: SrfRequest, res: SrfResponse) => this.#info(from, to, req, res));
      // Without a handler, say so rather than let drachtio-srf's default 200 promise a NOTIFY that never comes.
      this.#on(from.dialog, 'refer', (req: SrfRequest, res: SrfResponse) => {
        if (this.onRefer !== undefined && this.#state !== RelayState.Stopped) this.onRefer(from, to, req, res);
        else send(res, 501, 'Not Implemented', { 'X-Reason': 'REFER not supported here' });
      });
    }
    return this;
  }

  stop(): void {
    this.#state = RelayState.Stopped;
    for (const off of this.#unhook.splice(0)) off();
  }

  // biome-ignore lint/suspicious/noExplicitAny: drachtio-srf dialog listeners take varying arguments
  #on(d: Dialog, event: string, listener: (...args: any[]) => void): void {
    d.on(event, listener);
    this.#unhook.push(() => d.removeListener(event, listener));
  }

  async #reinvite(from: BridgeSide, to: BridgeSide, req: SrfRequest, res: SrfResponse): Promise<void> {
    const { ctx, services } = this;
    if (this.#state !== RelayState.Idle) {
      send(res, 491, 'Request Pending', {});
      return;
    }
    const sdp = typeof req.body === 'string' ? req.body : '';
    if (sdp.trim() === '') {
      // RFC 3311 §5.2: an UPDATE without an offer (a session refresh) gets none back.
      if (req.method === 'UPDATE') send(res, 200, undefined, {});
      else send(res, 200, undefined, { ...SDP_HEADERS, Contact: from.dialog.local.contact }, from.dialog.local.sdp);
      return;
    }
    try {
      readSdp(sdp);
    } catch (err) {
      if (!(err instanceof PbxError)) throw err;
      ctx.logger.warn({ code: err.code, callId: ctx.callId, side: from.name }, 're-INVITE refused');
      send(res, 400, 'Bad Request', { 'X-Reason': err.message.slice(0, 160) });
      return;
    }
    this.#state = RelayState.Relaying;
    if (req.method === 'INVITE') ctx.emit('connect:reinvite', { req: withoutCredentials(req.raw) });
    try {
      const offer = await services.media.offer({
        callId: ctx.callId,
        fromTag: from.tag,
        toTag: to.tag,
        sdp,
        callerCodecs: [...from.codecs],
        destCodecs: [...to.codecs],
        direct: this.direct,
      });
      const remote = await to.dialog.modify(offer.sdp);
      const answer = await services.media.answer({ callId: ctx.callId, fromTag: from.tag, toTag: to.tag, sdp: remote, direct: this.direct });
      from.dialog.local.sdp = answer.sdp;
      send(res, 200, undefined, { ...SDP_HEADERS, Contact: from.dialog.local.contact }, answer.sdp);
    } catch (err) {
      if (isSrfSipError(err)) {
        send(res, err.status, err.reason, {});
      } else {
        ctx.logger.warn({ err, code: 'PBX_ERR_REINVITE_RELAY', callId: ctx.callId, side: from.name }, 're-INVITE could not be relayed');
        send(res, 500, 'Server Internal Error', { 'X-Reason': 're-INVITE could not be relayed' });
      }
    } finally {
      if (this.#state === RelayState.Relaying) this.#state = RelayState.Idle;
    }
  }

  #info(from: BridgeSide, to: BridgeSide, req: SrfRequest, res: SrfResponse): void {
    const { ctx, services } = this;
    const type = (req.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!DTMF_INFO_TYPES.includes(type)) {
      send(res, 200, undefined, {});
      return;
    }
    let dtmf: ReturnType<typeof readDtmfInfo>;
    try {
      dtmf = readDtmfInfo(type, typeof req.body === 'string' ? req.body : '');
    } catch (err) {
      if (!(err instanceof PbxError)) throw err;
      ctx.logger.warn({ code: err.code, callId: ctx.callId, side: from.name }, err.message);
      send(res, 400, 'Bad Request', { 'X-Reason': err.message.slice(0, 160) });
      return;
    }
    send(res, 200, undefined, {});
    if (this.direct) {
      // No RTPEngine in the path (docs/contract.md §6.3): the other side gets the INFO itself.
      to.dialog.request({ method: 'INFO', headers: { 'Content-Type': type }, body: req.body }).catch((err: unknown) => {
        ctx.logger.warn({ err, code: 'PBX_ERR_DTMF_RELAY', callId: ctx.callId, side: from.name }, 'DTMF INFO not forwarded');
      });
      return;
    }
    services.media.dtmf({ callId: ctx.callId, fromTag: from.tag, digits: dtmf.digit, durationMs: dtmf.durationMs }).then(
      () => ctx.logger.debug({ callId: ctx.callId, side: from.name, digit: dtmf.digit }, 'DTMF injected'),
      (err: unknown) => ctx.logger.warn({ err, code: 'PBX_ERR_DTMF_RELAY', callId: ctx.callId, side: from.name }, 'DTMF not injected'),
    );
  }
}

/**
 * Answers an in-dialog request. A status drachtio-srf does not know (a far
 * end's 499 passed back) goes out as its class (RFC 3261 §21); a response
 * that cannot go out at all (the dialog ended) is dropped.
 */
export function send(res: SrfResponse, status: number, reason: string | undefined, headers: Record<string, string>, body?: string): void {
  const opts = { headers, ...(body !== undefined && { body }) };
  for (const s of [status, Math.floor(status / 100) * 100]) {
    try {
      if (res.finalResponseSent) return;
      res.send(s, reason, opts);
      return;
    } catch {
      // unknown status: try its class; otherwise the transaction is gone
    }
  }
}

/** The raw request without credential headers (docs/contract.md §5.3: credentials never leave the PBX). */
export function withoutCredentials(raw: string): string {
  return raw.replace(/^(?:proxy-)?authorization:.*\r?\n/gim, '');
}
