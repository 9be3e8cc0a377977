import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { ConnectVerb, StatusEventName } from '@dragonpbx/shared/contracts';
import { isSrfSipError } from '@dragonpbx/shared/srf';
import { PBX_ERR_CALL_TRANSITION } from '../../call-router-errors.js';
import { playableFile } from '../announce/playable-file.js';
import { playToCaller, stopPlayback } from '../early-media.js';
import { startArmedRecording } from '../record/record-verb.js';
import type { VerbContext, VerbOutcome, VerbServices } from '../verb-context.js';
import { BLeg, type LegProgress } from './b-leg.js';
import { bridgeCall } from './bridge.js';
import { fork, publicDest, withoutDropped } from './connect-verb.js';
import { watchGone } from './joined-legs.js';
import { mediaPlan } from './media-plan.js';
import { resolveLegs } from './resolve-legs.js';
import { RINGBACK_REPEAT } from './ringback.js';

/** A SIP status and reason, as a transfer's NOTIFY reports it. */
interface Status {
  readonly status: number;
  readonly reason: string;
}

/**
 * `connect` on an answered call (docs/contract.md §4.2 "reconnect", §5.2): with
 * `reconnect: true` after B hung up, or in a transfer's script. The legs are
 * INVITEd with RTPEngine's offer of the party's current SDP (a re-offer under
 * its tag); the party hears the ringtone in its existing session from the
 * first 180 (in-call ringback, no SIP); the first 200 wins, its answer goes
 * through RTPEngine and the party is re-INVITEd with the result, then the two
 * are bridged as in a plain connect (`bridge.ts`). In a transfer, the
 * transferor's subscription gets the first leg's 18x and then 200, or the
 * last failure (408 on timeout). No leg → `connect:complete` and the next verb.
 */
export async function runReconnect(verb: ConnectVerb, ctx: VerbContext, services: VerbServices): Promise<VerbOutcome> {
  const referral = ctx.referral;
  const party = ctx.dialog;
  const failed = (s: Status): VerbOutcome => {
    referral?.finish(s.status, s.reason);
    ctx.emit('connect:complete');
    return ctx.signal.aborted ? 'end' : 'next';
  };
  ctx.emit('connect:start');
  const dests = Array.isArray(verb.dest) ? verb.dest : [verb.dest];
  const targets = withoutDropped(await resolveLegs(dests, ctx.caller.domain, services), ctx);
  if (ctx.signal.aborted) return failed({ status: 487, reason: 'Request Terminated' });
  if (targets.length === 0) return failed({ status: 404, reason: 'Not Found' });
  const sdp = party?.remote.sdp ?? '';
  if (party === undefined || sdp.trim() === '') {
    ctx.logger.warn({ code: 'PBX_ERR_RECONNECT_NO_SDP', callId: ctx.callId }, 'reconnect: the party has no SDP to re-offer');
    return failed({ status: 488, reason: 'Not Acceptable Here' });
  }
  const plan = mediaPlan(targets, ctx.caller.codecs);
  let offer: string;
  try {
    const res = await services.media.offer({
      callId: ctx.callId,
      fromTag: ctx.caller.fromTag,
      sdp,
      callerCodecs: plan.callerCodecs,
      destCodecs: plan.destCodecs,
      direct: plan.direct,
    });
    offer = res.sdp;
  } catch (err) {
    ctx.logger.warn({ err, code: (err as { code?: string }).code ?? 'PBX_ERR_RECONNECT_MEDIA', callId: ctx.callId }, 'reconnect: media offer failed');
    return failed({ status: 503, reason: 'Service Unavailable' });
  }

  // The last failure, for the transfer's final NOTIFY.
  let last: Status = { status: 480, reason: 'Temporarily Unavailable' };
  const tracked: VerbContext = Object.create(ctx, {
    emit: {
      value: (event: StatusEventName, extra?: Record<string, unknown>) => {
        if (event === 'connect:error') last = (extra?.error as Status | undefined) ?? last;
        if (event === 'connect:timeout') last = { status: 408, reason: 'Request Timeout' };
        ctx.emit(event, extra);
      },
    },
  }) as VerbContext;
  const ringback = new InCallRingback(ctx, services, plan.direct ? undefined : (verb.ringtone ?? services.defaultRingtone));
  const onProgress = (p: LegProgress) => {
    if (p.status >= 180) referral?.progress(p.status, p.status === 180 ? 'Ringing' : 'Session Progress');
    ringback.onProgress(p);
  };
  const legs = targets.map((t) => new BLeg(t, onProgress));
  const winner = await fork(legs, offer, verb, tracked, services);
  await ringback.stop();
  if (winner === undefined) return failed(ctx.signal.aborted ? { status: 487, reason: 'Request Terminated' } : last);
  const b = winner.dialog!;
  const bGone = watchGone(b);
  try {
    const answer = await services.media.answer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, toTag: b.sip.remoteTag, sdp: b.remote.sdp, direct: plan.direct });
    if (ctx.signal.aborted) throw new Error('the party hung up');
    // The party moves onto the new bridge (RFC 3261 §14.1): its answer keeps the session it has.
    await party.modify(answer.sdp);
  } catch (err) {
    const status = isSrfSipError(err) ? { status: err.status, reason: err.reason ?? 'Failed' } : { status: 500, reason: 'Server Internal Error' };
    ctx.logger.warn({ err, code: 'PBX_ERR_RECONNECT_REINVITE', callId: ctx.callId, status: status.status }, 'reconnect: the party could not be moved onto the new leg');
    await winner.hangup();
    return failed(ctx.signal.aborted ? { status: 487, reason: 'Request Terminated' } : status);
  }
  referral?.finish(200, 'OK');
  ctx.emit('connect:answered', { dest: publicDest(winner.target.dest), index: winner.target.index });
  startArmedRecording(ctx, { aTag: ctx.caller.fromTag, bTag: b.sip.remoteTag, calleeUri: b.req?.uri ?? b.remote.uri, direct: plan.direct });
  return bridgeCall(
    {
      a: { name: 'A', dialog: party, tag: ctx.caller.fromTag, codecs: plan.callerCodecs },
      b: { name: 'B', dialog: b, tag: b.sip.remoteTag, codecs: plan.destCodecs },
      winner,
      direct: plan.direct,
      bGone: bGone(),
    },
    ctx,
    services,
  );
}

/**
 * ```
 *  Idle ──first 18x──► Playing ──answer / every leg failed──► Stopped
 *   └──────────── answer / every leg failed ────────────────────┘
 * ```
 */
export enum InCallRingbackState {
  Idle = 'idle',
  Playing = 'playing',
  Stopped = 'stopped',
}

const IN_CALL_RINGBACK_TRANSITIONS: Readonly<Record<InCallRingbackState, readonly InCallRingbackState[]>> = Object.freeze({
  [InCallRingbackState.Idle]: [InCallRingbackState.Playing, InCallRingbackState.Stopped],
  [InCallRingbackState.Playing]: [InCallRingbackState.Stopped],
  [InCallRingbackState.Stopped]: [],
});

/**
 * The ringtone an answered party hears while a reconnect rings (docs/contract.md
 * §4.2 "reconnect"): played into its existing session by RTPEngine from the
 * first 180/183, stopped before it is re-INVITEd. No ringtone with direct
 * media; one that cannot be played is logged (`PBX_ERR_RINGTONE_UNAVAILABLE`).
 */
class InCallRingback {
  #state = InCallRingbackState.Idle;
  #queue: Promise<void> = Promise.resolve();
  #playing = false;

  constructor(
    private readonly ctx: VerbContext,
    private readonly services: VerbServices,
    private readonly ringtone: string | undefined,
  ) {}

  onProgress(p: LegProgress): void {
    if (p.status < 180 || this.#state !== InCallRingbackState.Idle || this.ringtone === undefined) return;
    this.#to(InCallRingbackState.Playing);
    this.#queue = this.#queue.then(() => this.#start(this.ringtone!));
  }

  stop(): Promise<void> {
    if (this.#state !== InCallRingbackState.Stopped) {
      this.#to(InCallRingbackState.Stopped);
      this.#queue = this.#queue.then(async () => {
        if (!this.#playing) return;
        this.#playing = false;
        await stopPlayback(this.ctx, this.services);
      });
    }
    return this.#queue;
  }

  async #start(url: string): Promise<void> {
    try {
      const file = await playableFile(url, this.services);
      await access(file, constants.R_OK);
      if (this.#state !== InCallRingbackState.Playing) return;
      await playToCaller(this.ctx, this.services, file, RINGBACK_REPEAT);
      this.#playing = true;
    } catch (err) {
      this.ctx.logger.warn(
        { code: 'PBX_ERR_RINGTONE_UNAVAILABLE', callId: this.ctx.callId, ringtone: url, why: (err as Error).message },
        'in-call ringback cannot be played',
      );
    }
  }

  #to(next: InCallRingbackState): void {
    if (!IN_CALL_RINGBACK_TRANSITIONS[this.#state].includes(next)) throw new PBX_ERR_CALL_TRANSITION(`ringback ${this.#state}`, next);
    this.#state = next;
  }
}
