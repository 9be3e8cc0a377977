import { PbxError } from '@dragonpbx/shared/contracts';
import type { Dialog } from '@dragonpbx/shared/srf';
import { readSdp } from '../../sdp/read-sdp.js';
import type { VerbContext, VerbServices } from '../verb-context.js';
import type { BLeg } from './b-leg.js';
import { type JoinedLegs, watchGone } from './joined-legs.js';
import { type MediaPlan, assertCommonCodec } from './media-plan.js';

/**
 * Joins a late-offer call (caller's INVITE without SDP, RFC 3261 §13.2.1):
 * the B legs were INVITEd without SDP, so the winner's 2xx carries B's offer
 * and waits for our ACK. B's offer goes through RTPEngine (from-tag = B's tag),
 * the caller gets 200 with RTPEngine's offer, the caller's ACK carries the
 * answer (RFC 3264 §4), which goes through RTPEngine's answer (to-tag = the
 * caller's tag) into the ACK to B. `undefined` when the call cannot go on:
 * the caller has then had a final response or will get BYE; the winner is the
 * caller's to hang up.
 */
export async function joinLateOffer(leg: BLeg, plan: MediaPlan, ctx: VerbContext, services: VerbServices): Promise<JoinedLegs | undefined> {
  const pending = leg.lateOffer;
  if (pending === undefined) return undefined;
  const bTag = toTagOf(pending.res.get('To'));
  const log = ctx.logger;
  try {
    assertCommonCodec(pending.sdp, plan.destCodecs, 'the callee');
  } catch (err) {
    if (!(err instanceof PbxError)) throw err;
    log.warn({ code: err.code, callId: ctx.callId }, err.message);
    ctx.respond(488, 'Not Acceptable Here', { 'X-Reason': err.message.slice(0, 160) });
    return undefined;
  }
  let offer: string;
  try {
    const res = await services.media.offer({
      callId: ctx.callId,
      fromTag: bTag,
      sdp: pending.sdp,
      callerCodecs: plan.destCodecs,
      destCodecs: plan.callerCodecs,
      direct: plan.direct,
    });
    if (!plan.direct) ctx.defer(() => services.media.delete({ callId: ctx.callId }));
    offer = res.sdp;
  } catch (err) {
    log.warn({ err, code: (err as { code?: string }).code, callId: ctx.callId }, 'media offer of the late-offer answer failed');
    ctx.respond(503, 'Service Unavailable', { 'Retry-After': '5' });
    return undefined;
  }
  if (ctx.signal.aborted) return undefined;
  let a: Dialog;
  try {
    a = await ctx.answer(offer);
  } catch (err) {
    log.warn({ err, callId: ctx.callId }, 'could not answer the late-offer caller');
    return undefined;
  }
  const answer = await ackAnswer(a, ctx.signal);
  if (answer === undefined) return undefined;
  try {
    readSdp(answer);
  } catch (err) {
    // RFC 3264 §4: the ACK to a 2xx carrying an offer must carry the answer.
    const why = err instanceof PbxError ? err.message : 'unreadable';
    log.warn({ code: 'PBX_ERR_SDP_INVALID', callId: ctx.callId, why }, 'caller ACK carries no usable SDP answer; ending the call');
    return undefined;
  }
  try {
    const res = await services.media.answer({ callId: ctx.callId, fromTag: bTag, toTag: ctx.caller.fromTag, sdp: answer, direct: plan.direct });
    const b = await leg.ackLateOffer(res.sdp);
    return { a, b, bGone: watchGone(b) };
  } catch (err) {
    log.warn({ err, code: (err as { code?: string }).code, callId: ctx.callId }, 'could not complete the late offer towards the callee');
    return undefined;
  }
}

/** The SDP of the caller's ACK; `undefined` when the caller hung up (or Timer H ended the dialog) first. */
function ackAnswer(a: Dialog, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const done = (sdp: string | undefined) => {
      signal.removeEventListener('abort', onAbort);
      a.removeListener('destroy', onGone);
      a.removeListener('ack', onAck);
      resolve(sdp);
    };
    const onAbort = () => done(undefined);
    const onGone = () => done(undefined);
    const onAck = (req: { body?: unknown }) => done(typeof req.body === 'string' ? req.body : '');
    signal.addEventListener('abort', onAbort, { once: true });
    a.once('destroy', onGone);
    a.once('ack', onAck);
  });
}

/** The tag of a To header (the far end's side of the dialog, RFC 3261 §19.3). */
function toTagOf(to: string | undefined): string {
  return /;\s*tag=([^;>\s]+)/i.exec(to ?? '')?.[1] ?? '';
}
