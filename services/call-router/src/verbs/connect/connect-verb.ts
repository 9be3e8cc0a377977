import { type ConnectDest, type ConnectVerb, PbxError } from '@dragonpbx/shared/contracts';
import type { Dialog } from '@dragonpbx/shared/srf';
import { startArmedRecording } from '../record/record-verb.js';
import type { VerbContext, VerbOutcome, VerbServices } from '../verb-context.js';
import { BLeg, CANCEL_REASONS } from './b-leg.js';
import { bridgeCall } from './bridge.js';
import { callerIdentity } from './caller-identity.js';
import { type JoinedLegs, watchGone } from './joined-legs.js';
import { joinLateOffer } from './late-offer.js';
import { PICKED_UP } from '../pickup/pickup-join.js';
import { type MediaPlan, assertCommonCodec, mediaPlan } from './media-plan.js';
import { type LegTarget, resolveLegs } from './resolve-legs.js';
import { runReconnect } from './reconnect.js';
import { Ringback } from './ringback.js';

/**
 * `connect` (docs/contract.md §4.2) to `client`, `sip` and `trunk` destinations: every leg
 * is INVITEd at once with RTPEngine's offer of the caller's SDP (media
 * anchored through the media-controller), each with its own ring timer. The
 * first 200 wins: its SDP is answered through RTPEngine, the caller gets the
 * 200 OK, and the other legs are CANCELled with RFC 3326 `Reason`. The verb
 * lasts as long as the bridge: a BYE from A ends the call (B gets BYE); a BYE
 * from B leaves A up and the script continues; a REFER from either side hands
 * the call to a transfer (`bridge.ts`). When no leg answers (or none could be
 * resolved) the verb completes at once and the next verb runs. On an answered
 * call it rings again only with `reconnect` or in a transfer (`reconnect.ts`).
 */
export async function runConnect(verb: ConnectVerb, ctx: VerbContext): Promise<VerbOutcome> {
  const services = ctx.services;
  if (services === undefined) {
    ctx.logger.warn({ callId: ctx.callId }, 'connect needs SIP and media services; skipped');
    return 'next';
  }
  if (ctx.answered) {
    // docs/contract.md §4.2 reconnect: only with `reconnect: true`, in a transfer's script (§5.2)
    // or in a REST update-leg's (§5.1).
    if (verb.reconnect === true || ctx.referral !== undefined || ctx.reconnectMode === true) return runReconnect(verb, ctx, services);
    ctx.emit('connect:skipped');
    return 'next';
  }
  ctx.emit('connect:start');
  const dests = Array.isArray(verb.dest) ? verb.dest : [verb.dest];
  const targets = withoutDropped(await resolveLegs(dests, ctx.caller.domain, services), ctx);
  if (targets.length === 0 || ctx.signal.aborted) {
    ctx.emit('connect:complete');
    return 'next';
  }
  const plan = mediaPlan(targets, ctx.caller.codecs);
  // Late offer (INVITE without SDP, RFC 3261 §13.2.1): the legs are INVITEd without SDP too.
  const late = ctx.caller.sdp === '';
  const offer = late ? '' : await offerFor(plan, ctx, services);
  if (offer === undefined) return 'end';

  // docs/contract.md §4.2: ringback on the first 180, far-end early media relayed; stopped once the fork is over.
  const ringback = new Ringback(ctx, services, { ringtone: verb.ringtone ?? services.defaultRingtone, direct: plan.direct });
  const legs = targets.map((t) => new BLeg(t, (progress) => ringback.onProgress(progress)));
  const winner = await fork(legs, offer, verb, ctx, services);
  await ringback.stop();
  if (winner === undefined) {
    ctx.emit('connect:complete');
    return ctx.signal.aborted ? 'end' : 'next';
  }
  const joined = late ? await joinLateOffer(winner, plan, ctx, services) : await joinEarlyOffer(winner.dialog!, plan, ctx, services);
  if (joined === undefined) {
    await winner.hangup();
    ctx.emit('connect:complete');
    return 'end';
  }
  const { a, b: bDialog } = joined;
  ctx.emit('connect:answered', { dest: publicDest(winner.target.dest), index: winner.target.index });
  startArmedRecording(ctx, { aTag: ctx.caller.fromTag, bTag: bDialog.sip.remoteTag, calleeUri: bDialog.req?.uri ?? bDialog.remote.uri, direct: plan.direct });
  return bridgeCall(
    {
      a: { name: 'A', dialog: a, tag: ctx.caller.fromTag, codecs: plan.callerCodecs },
      b: { name: 'B', dialog: bDialog, tag: bDialog.sip.remoteTag, codecs: plan.destCodecs },
      winner,
      direct: plan.direct,
      bGone: joined.bGone(),
    },
    ctx,
    services,
  );
}

/**
 * Legs that can be rung; each destination that cannot (unknown trunk, trunk
 * without outbound host) gets `connect:error` and a log line with its stable code.
 */
export function withoutDropped(targets: readonly LegTarget[], ctx: VerbContext): LegTarget[] {
  for (const t of targets) {
    if (t.dropped === undefined) continue;
    ctx.logger.warn({ code: t.dropped.code, callId: ctx.callId, index: t.index, dest: publicDest(t.dest) }, `connect: ${t.dropped.reason}; destination skipped`);
    ctx.emit('connect:error', { dest: publicDest(t.dest), index: t.index, error: { status: 500, reason: t.dropped.reason } });
  }
  return targets.filter((t) => t.dropped === undefined);
}

/**
 * RTPEngine's offer for the B legs; `undefined` after answering the caller
 * 488 (no codec in common, RFC 3264 §6, decided before any leg is called) or
 * 503 (media unavailable).
 */
async function offerFor(plan: MediaPlan, ctx: VerbContext, services: VerbServices): Promise<string | undefined> {
  const { direct } = plan;
  try {
    assertCommonCodec(ctx.caller.sdp, plan.callerCodecs, 'the caller');
    const res = await services.media.offer({
      callId: ctx.callId,
      fromTag: ctx.caller.fromTag,
      sdp: ctx.caller.sdp,
      callerCodecs: plan.callerCodecs,
      destCodecs: plan.destCodecs,
      direct,
    });
    if (!direct) ctx.defer(() => services.media.delete({ callId: ctx.callId }));
    assertCommonCodec(res.sdp, [], "RTPEngine's offer");
    return res.sdp;
  } catch (err) {
    if (err instanceof PbxError && err.code === 'PBX_ERR_SDP_NO_COMMON_CODEC') {
      ctx.logger.warn({ code: err.code, callId: ctx.callId }, err.message);
      ctx.emit('connect:complete');
      ctx.respond(488, 'Not Acceptable Here', { 'X-Reason': err.message.slice(0, 160) });
      return undefined;
    }
    ctx.logger.warn({ err, code: (err as { code?: string }).code, callId: ctx.callId }, 'media offer failed');
    ctx.emit('connect:complete');
    ctx.respond(503, 'Service Unavailable', { 'Retry-After': '5' });
    return undefined;
  }
}

/** Rings every leg; resolves with the first leg that answered, or `undefined` when none did. */
export function fork(legs: BLeg[], sdp: string, verb: ConnectVerb, ctx: VerbContext, services: VerbServices): Promise<BLeg | undefined> {
  const rung = ctx.ringing?.(legs.map((l) => l.target.dest));
  return new Promise<BLeg | undefined>((resolve) => {
    let winner: BLeg | undefined;
    let pending = legs.length;
    const onAbort = () => {
      const reason = ctx.signal.reason === PICKED_UP ? CANCEL_REASONS.elsewhere : CANCEL_REASONS.terminated;
      for (const leg of legs) leg.cancel(reason);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      if (--pending > 0) return;
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(winner);
    };
    for (const leg of legs) {
      const { index } = leg.target;
      const dest = publicDest(leg.target.dest);
      ctx.emit('connect:trying', { dest, index });
      const invite = { sdp, caller: callerIdentity(verb, ctx.caller.from), headers: headersOf(leg.target.dest.headers) };
      void leg
        .start(services.srf, invite, () => ctx.emit('connect:timeout', { dest, index }))
        .then(async (outcome) => {
          if (outcome.kind === 'answered' || outcome.kind === 'offered') {
            if (winner !== undefined || ctx.signal.aborted) {
              await leg.hangup();
            } else {
              winner = leg;
              for (const other of legs) if (other !== leg && other.cancel(CANCEL_REASONS.elsewhere)) ctx.emit('connect:cancel', { index: other.target.index });
              ctx.signal.removeEventListener('abort', onAbort);
              resolve(leg);
            }
          } else if (outcome.kind === 'failed') {
            ctx.emit('connect:error', { dest, index, error: { status: outcome.status, reason: outcome.reason } });
          }
          settle();
        });
    }
    // Every B-leg INVITE is with the SIP server now: the call's post-dial delay ends here.
    ctx.legsSent();
  }).finally(() => rung?.());
}

/** A destination as events show it: never its `password` (docs/contract.md §5.3: credentials never leave the PBX). */
export function publicDest(dest: ConnectDest): ConnectDest {
  if (dest.type !== 'sip' || dest.password === undefined) return dest;
  const { password: _hidden, ...rest } = dest;
  return rest;
}

function headersOf(h: Record<string, string | number> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = String(v);
  return out;
}

/** Early offer: B's answer through RTPEngine to the caller; `undefined` when the caller is gone. */
async function joinEarlyOffer(b: Dialog, plan: MediaPlan, ctx: VerbContext, services: VerbServices): Promise<JoinedLegs | undefined> {
  // B may hang up while the caller is being answered: remember it for the bridge.
  const bGone = watchGone(b);
  const a = await answerCaller(b, plan.direct, ctx, services);
  return a === undefined ? undefined : { a, b, bGone };
}

/** Answers B's SDP through RTPEngine and the caller with the result; `undefined` when the caller is gone. */
async function answerCaller(b: Dialog, direct: boolean, ctx: VerbContext, services: VerbServices): Promise<Dialog | undefined> {
  try {
    // With direct media no engine holds the call: the answer must say so, as the offer did.
    const { sdp } = await services.media.answer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, toTag: b.sip.remoteTag, sdp: b.remote.sdp, direct });
    if (ctx.signal.aborted) return undefined;
    return await ctx.answer(sdp);
  } catch (err) {
    ctx.logger.warn({ err, callId: ctx.callId }, 'could not answer the caller');
    if (!ctx.answered) ctx.respond(503, 'Service Unavailable', { 'Retry-After': '5' });
    return undefined;
  }
}
