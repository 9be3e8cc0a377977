import type { PickupVerb } from '@dragonpbx/shared/contracts';
import type { CallStore, CallSummary } from '@dragonpbx/shared/state';
import type { VerbContext, VerbOutcome } from '../verb-context.js';
import type { Picker, PickupEnd, PickupTarget } from './pickup-join.js';
import { type PickupCandidate, pickupCandidates, pickupTargets } from './pickup-target.js';
import { type RemotePickups, pickupThere } from './remote-pickup.js';

/** What `pickup` needs beyond the other verbs' services. */
export interface PickupServices {
  /** This replica's `INSTANCE_ID`: the owner named in its calls' summaries. */
  readonly instanceId: string;
  /** The live-call summaries, searched by extension across the cluster. */
  readonly calls: Pick<CallStore, 'findByExtension'>;
  /** This replica's live call `callId`, if it owns one. */
  target(callId: string): PickupTarget | undefined;
  /** The cluster's call commands, for calls owned by another replica (absent: those are skipped). */
  remote?(): RemotePickups | undefined;
}

/**
 * `pickup` (docs/contract.md §4.6): finds, for each `target` extension in turn, the
 * oldest live call ringing there or connected there (by `state`, default
 * `any`) through the Redis call summaries, and hands the picker to the call's
 * owner, which CANCELs the ringing legs or BYEs the connected one and bridges
 * the picker with the call's party. The verb lasts as long as that bridge.
 * Nothing to pick up → `pickup:notfound` and the next verb runs (a script
 * usually follows with `response 486`). A call owned by another replica is
 * asked for over NATS (`remote-pickup.ts`): that replica gives up the leg and
 * joins its party to the picker through the shared RTPEngine.
 */
export async function runPickup(verb: PickupVerb, ctx: VerbContext): Promise<VerbOutcome> {
  const pickup = ctx.services?.pickup;
  const targets = pickupTargets(verb);
  ctx.emit('pickup:start', { target: targets, state: verb.state ?? 'any' });
  if (pickup === undefined) {
    ctx.logger.warn({ code: 'PBX_ERR_PICKUP_UNAVAILABLE', callId: ctx.callId }, 'pickup needs SIP and media services; skipped');
    ctx.emit('pickup:error', { error: { status: 500, reason: 'pickup unavailable' } });
    return 'next';
  }
  if (ctx.answered) {
    ctx.emit('pickup:error', { error: { status: 400, reason: 'the call is already answered' } });
    return 'next';
  }
  for (const ext of targets) {
    if (ctx.signal.aborted) return 'end';
    let summaries: CallSummary[];
    try {
      summaries = await pickup.calls.findByExtension(ctx.caller.domain, ext);
    } catch (err) {
      ctx.logger.warn({ err, code: 'PBX_ERR_PICKUP_LOOKUP', callId: ctx.callId, ext }, 'pickup: live calls could not be read');
      ctx.emit('pickup:error', { error: { status: 503, reason: 'live calls unavailable' } });
      return 'next';
    }
    for (const candidate of pickupCandidates(summaries, ext, verb.state, ctx.callId)) {
      // Outbound takeover: the verb waits for the far end to answer.
      if (candidate.kind === 'outbound') ctx.emit('pickup:waiting', { picked: candidate.summary.callId, ext });
      const end = await take(candidate, pickerOf(ctx, candidate), pickup, ctx);
      if (end === undefined) continue;
      if (end.outcome === 'refused') {
        ctx.logger.info({ callId: ctx.callId, target: candidate.summary.callId, ext, why: end.why }, 'pickup: call passed over');
        continue;
      }
      return finished(end, candidate, ctx);
    }
  }
  if (ctx.signal.aborted) return 'end';
  ctx.emit('pickup:notfound', { target: targets });
  return 'next';
}

/** Hands the picker to the candidate's owner, this replica or another; `undefined` when it cannot be asked. */
async function take(candidate: PickupCandidate, picker: Picker, pickup: PickupServices, ctx: VerbContext): Promise<PickupEnd | undefined> {
  const { summary } = candidate;
  if (summary.instanceId !== pickup.instanceId) {
    const remote = pickup.remote?.();
    if (remote !== undefined) return pickupThere(candidate, picker, remote, ctx);
    ctx.logger.warn(
      { code: 'PBX_ERR_PICKUP_REMOTE', callId: ctx.callId, target: summary.callId, owner: summary.instanceId },
      'pickup: the call is owned by another call-router and no NATS commands are set up; skipped',
    );
    return undefined;
  }
  const target = pickup.target(summary.callId);
  if (target === undefined) return { outcome: 'refused', why: 'the call is over' };
  if (candidate.kind !== 'outbound') return target.pickUp({ kind: candidate.kind, ext: candidate.ext, picker });
  // An outbound takeover waits for the far end; a picker that hangs up before it is answered
  // stops waiting (the call, seeing the picker's signal aborted, goes on as if never picked).
  let answered = false;
  const watched: Picker = {
    ...picker,
    answer: async (sdp) => {
      const leg = await picker.answer(sdp);
      answered = true;
      return leg;
    },
  };
  return untilAborted(target.pickUp({ kind: candidate.kind, ext: candidate.ext, picker: watched }), ctx.signal, () => answered);
}

/** `taken`, or `refused` as soon as `signal` aborts while the picker is not answered. */
function untilAborted(taken: Promise<PickupEnd>, signal: AbortSignal, answered: () => boolean): Promise<PickupEnd> {
  if (signal.aborted) return Promise.resolve({ outcome: 'refused', why: 'the picker hung up' });
  return new Promise((resolve) => {
    const onAbort = () => {
      if (!answered()) resolve({ outcome: 'refused', why: 'the picker hung up' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void taken.then((end) => {
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    });
  });
}

function finished(end: PickupEnd, candidate: PickupCandidate, ctx: VerbContext): VerbOutcome {
  if (end.outcome === 'bridged') {
    ctx.emit('pickup:hangup', { endedby: end.endedby });
    return 'end';
  }
  if (end.outcome === 'failed') {
    ctx.emit('pickup:error', { picked: candidate.summary.callId, ext: candidate.ext, error: { status: end.status, reason: end.reason } });
    return end.answered || ctx.signal.aborted ? 'end' : 'next';
  }
  return 'next';
}

/** The picker as the taken call sees it; `pickup:answered` goes out once it is answered. */
function pickerOf(ctx: VerbContext, candidate: PickupCandidate): Picker {
  const from = ctx.caller.from;
  return {
    callId: ctx.callId,
    sdp: ctx.caller.sdp,
    tag: ctx.caller.fromTag,
    ...(from !== '' && { dest: { type: 'client' as const, address: from } }),
    signal: ctx.signal,
    answer: async (sdp) => {
      const dialog = await ctx.answer(sdp);
      ctx.emit('pickup:answered', { picked: candidate.summary.callId, ext: candidate.ext, state: candidate.kind });
      return { dialog, hangup: () => dialog.destroy().then(noop, noop) };
    },
  };
}

function noop(): void {}
