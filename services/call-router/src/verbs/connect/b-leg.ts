import { type Dialog, type SrfApp, type SrfRequest, type SrfResponse, type UacLateOffer, isSrfSipError } from '@dragonpbx/shared/srf';
import { type CallerIdentity, trunkFrom } from './caller-identity.js';
import { LegState, assertLegTransition } from './leg-state.js';
import type { LegTarget } from './resolve-legs.js';

/** RFC 3326 `Reason` of a CANCEL, by why the leg is cancelled (docs/contract.md §4.2). */
export const CANCEL_REASONS = Object.freeze({
  /** Another leg answered. */
  elsewhere: 'SIP;cause=200;text="Call completed elsewhere"',
  /** This leg rang out, or the caller hung up first. */
  terminated: 'SIP;cause=487;text="Request Terminated"',
});

/** How a leg's INVITE ended. */
export type LegOutcome =
  | { readonly kind: 'answered'; readonly dialog: Dialog }
  /** Late offer: the 2xx carries B's offer and waits for our ACK with the answer (RFC 3264 §4). */
  | { readonly kind: 'offered'; readonly offer: UacLateOffer }
  | { readonly kind: 'failed'; readonly status: number; readonly reason: string }
  | { readonly kind: 'cancelled' };

/** What {@link BLeg.start} needs to send the INVITE. */
export interface BLegInvite {
  /** Our offer; `''` sends the INVITE without SDP (late offer, RFC 3261 §13.2.1). */
  readonly sdp: string;
  /** From user and display name (docs/contract.md §4.2 `callerId` / `callerName`), already escaped. */
  readonly caller: CallerIdentity;
  readonly headers: Record<string, string>;
}

/** A provisional response (101–199) of a leg, as the connect's early media sees it. */
export interface LegProgress {
  readonly status: number;
  /** Its SDP body, `''` when it has none. */
  readonly sdp: string;
  /** Its To tag: the leg's side of the RTPEngine session. */
  readonly toTag: string;
}

/**
 * One forked INVITE of a connect (RFC 3261 §16-style parallel forking done
 * by a B2BUA): sends it with drachtio-srf's `createUAC`, times it out,
 * cancels it with an RFC 3326 `Reason`, and releases a late 200 (drachtio-srf
 * ACKs it; we BYE it). Its {@link LegState} machine rejects illegal moves.
 */
export class BLeg {
  readonly target: LegTarget;
  #state = LegState.Calling;
  #req: SrfRequest | undefined;
  #pendingCancel: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #dialog: Dialog | undefined;
  #lateOffer: UacLateOffer | undefined;
  readonly #onProgress: (progress: LegProgress) => void;

  constructor(target: LegTarget, onProgress: (progress: LegProgress) => void) {
    this.target = target;
    this.#onProgress = onProgress;
  }

  get state(): LegState {
    return this.#state;
  }

  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  #to(next: LegState): void {
    assertLegTransition(this.#state, next);
    this.#state = next;
  }

  /** Sends the INVITE; resolves when it is final. `onTimeout` fires when the ring timer cancels it. */
  async start(srf: SrfApp, invite: BLegInvite, onTimeout: () => void): Promise<LegOutcome> {
    this.#timer = setTimeout(() => {
      if (this.cancel(CANCEL_REASONS.terminated)) onTimeout();
    }, this.target.timeoutSec * 1000);
    try {
      const late = invite.sdp === '';
      const { fromHost, auth } = this.target;
      // Trunk legs: From forced to the trunk's host, as providers refuse a local address (docs/contract.md §4.2);
      // other legs: drachtio-srf builds `"<callingName>" <sip:<callingNumber>@<our address>>`.
      const from: Record<string, string> = fromHost !== undefined ? { From: trunkFrom(invite.caller, fromHost) } : {};
      const settled = (await srf.createUAC(
        this.target.uri,
        {
          ...(late ? { noAck: true } : { localSdp: invite.sdp }),
          ...(this.target.proxy !== undefined && { proxy: this.target.proxy }),
          callingNumber: invite.caller.user,
          callingName: invite.caller.name,
          ...(auth && { auth: { ...auth } }),
          headers: { ...invite.headers, ...from, 'X-Endpoint-Index': String(this.target.index) },
        },
        {
          cbRequest: (_err, req) => {
            this.#req = req;
            if (this.#pendingCancel !== undefined) this.#sendCancel(this.#pendingCancel);
          },
          cbProvisional: (res) => {
            if (res.status <= 100 || (this.#state !== LegState.Calling && this.#state !== LegState.Ringing)) return;
            if (res.status >= 180 && this.#state === LegState.Calling) this.#to(LegState.Ringing);
            this.#onProgress({ status: res.status, sdp: typeof res.body === 'string' ? res.body : '', toTag: toTagOf(res) });
          },
        },
      )) as Dialog | UacLateOffer;
      clearTimeout(this.#timer);
      if (this.#state === LegState.Cancelling) {
        // A 200 that crossed our CANCEL (RFC 3261 §9.1): drachtio-srf has ACKed it (late offer: ACK now); end the dialog.
        this.#to(LegState.Cancelled);
        if (late) (settled as UacLateOffer).destroy().catch(() => undefined);
        else (settled as Dialog).destroy({ headers: { Reason: CANCEL_REASONS.elsewhere } }).catch(() => undefined);
        return { kind: 'cancelled' };
      }
      this.#to(LegState.Answered);
      if (late) {
        this.#lateOffer = settled as UacLateOffer;
        return { kind: 'offered', offer: this.#lateOffer };
      }
      this.#dialog = settled as Dialog;
      return { kind: 'answered', dialog: this.#dialog };
    } catch (err) {
      clearTimeout(this.#timer);
      if (this.#state === LegState.Cancelling) {
        this.#to(LegState.Cancelled);
        return { kind: 'cancelled' };
      }
      this.#to(LegState.Failed);
      if (isSrfSipError(err)) return { kind: 'failed', status: err.status, reason: err.reason ?? '' };
      return { kind: 'failed', status: 500, reason: (err as Error)?.message?.slice(0, 100) ?? 'Leg failed' };
    }
  }

  /** CANCELs the INVITE if it is still ringing; true when this call started the cancel. */
  cancel(reason: string): boolean {
    if (this.#state !== LegState.Calling && this.#state !== LegState.Ringing) return false;
    this.#to(LegState.Cancelling);
    clearTimeout(this.#timer);
    if (this.#req === undefined) this.#pendingCancel = reason;
    else this.#sendCancel(reason);
    return true;
  }

  /** B's offer while a late-offer 2xx waits for our ACK. */
  get lateOffer(): UacLateOffer | undefined {
    return this.#dialog === undefined ? this.#lateOffer : undefined;
  }

  /** Completes a late offer: ACK with our answer (RFC 3264 §4); the leg's dialog from then on. */
  async ackLateOffer(sdp: string): Promise<Dialog> {
    if (this.#lateOffer === undefined || this.#dialog !== undefined) throw new Error('no late offer to ACK');
    this.#dialog = await this.#lateOffer.ack(sdp);
    return this.#dialog;
  }

  /** Ends an answered leg with BYE (a late offer not yet ACKed is ACKed first). */
  async hangup(): Promise<void> {
    if (this.#state !== LegState.Answered) return;
    this.#to(LegState.Ended);
    if (this.#dialog === undefined) await this.#lateOffer?.destroy().catch(() => undefined);
    else await this.#dialog.destroy().catch(() => undefined);
  }

  /** The far end sent BYE. */
  remoteHungUp(): void {
    if (this.#state === LegState.Answered) this.#to(LegState.Ended);
  }

  #sendCancel(reason: string): void {
    try {
      this.#req?.cancel({ headers: { Reason: reason } });
    } catch {
      // already final: the outcome handler releases the leg
    }
  }
}

/** The To tag of a response (RFC 3261 §8.2.6.2), `''` when it has none. */
function toTagOf(res: SrfResponse): string {
  const m = /;\s*tag=([^;>\s]+)/i.exec(res.get('To') ?? '');
  return m?.[1] ?? '';
}
