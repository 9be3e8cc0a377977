import { type Static, Type } from '@sinclair/typebox';
import type { VerbContext } from '../verb-context.js';
import type { Picker, PickerLeg, PickupEnd, PickupTarget } from './pickup-join.js';
import type { PickupCandidate } from './pickup-target.js';

/**
 * A pickup sent to the replica that owns the target call, on
 * `dragon.calls.<owner>.pickup`: which leg, and the picker (its call stays on
 * the sending replica; RTPEngine is shared, so the media still meet).
 */
export const RemotePickupSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('ringing'), Type.Literal('connected'), Type.Literal('outbound')]),
    ext: Type.String({ minLength: 1, maxLength: 128 }),
    picker: Type.Object(
      {
        callId: Type.String({ minLength: 1, maxLength: 256 }),
        domain: Type.String({ minLength: 1, maxLength: 256 }),
        sdp: Type.String({ minLength: 1, maxLength: 16_384 }),
        tag: Type.String({ minLength: 1, maxLength: 256 }),
        from: Type.String({ maxLength: 256 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type RemotePickup = Static<typeof RemotePickupSchema>;

/** The owner's reply: the SDP to answer the picker with, or how the pickup ended without one. */
export type RemotePickupReply = { readonly outcome: 'answer'; readonly sdp: string } | PickupEnd;

/** The cluster's call commands, as a pickup across replicas uses them (`CallCommands`). */
export interface RemotePickups {
  /** Sends `pickup` to the owner of `callId`; resolves with its reply. */
  pickup(owner: string, callId: string, pickup: RemotePickup): Promise<RemotePickupReply>;
  /** Hangs up `leg` of a live call of `domain`, wherever it runs. */
  hangup(domain: string, callId: string, leg: 'A' | 'B'): Promise<void>;
}

/**
 * The owner's side: the local call gives up its leg to a picker on another
 * replica. Replies with RTPEngine's SDP once the call has taken the pickup
 * (the picker's replica answers the picker with it), or with the refusal or
 * failure. The picker is hung up through `hangupPicker` when the party goes.
 */
export function pickupHere(target: PickupTarget, cmd: RemotePickup, hangupPicker: () => Promise<void>, waitMs: number): Promise<RemotePickupReply> {
  return new Promise((resolve) => {
    const { picker } = cmd;
    // The picker's replica stops waiting for the reply after its request timeout: an outbound
    // takeover whose far end has not answered by then is given up (the call goes on untouched).
    const gaveUp = new AbortController();
    const timer = setTimeout(() => {
      gaveUp.abort(new Error('the picker stopped waiting'));
      resolve({ outcome: 'refused', why: 'the far end did not answer in time' });
    }, waitMs);
    timer.unref();
    const remote: Picker = {
      callId: picker.callId,
      sdp: picker.sdp,
      tag: picker.tag,
      ...(picker.from !== '' && { dest: { type: 'client' as const, address: picker.from } }),
      // The picker's replica reports its end as a hang-up of this call's leg B.
      signal: gaveUp.signal,
      answer: (sdp) => {
        clearTimeout(timer);
        resolve({ outcome: 'answer', sdp });
        return Promise.resolve({ hangup: hangupPicker });
      },
    };
    target.pickUp({ kind: cmd.kind, ext: cmd.ext, picker: remote }).then(
      (end) => {
        clearTimeout(timer);
        resolve(end);
      },
      () => {
        clearTimeout(timer);
        resolve({ outcome: 'failed', status: 500, reason: 'Server Internal Error', answered: false });
      },
    );
  });
}

/**
 * The picker's side of a pickup of a call on another replica: asks the owner,
 * answers the picker with the SDP it replies, then waits for the picker's
 * call to end. The picker's BYE is passed on as a hang-up of the taken call's
 * leg B; the party's end reaches the picker as a hang-up of its own call.
 */
export async function pickupThere(candidate: PickupCandidate, picker: Picker, remote: RemotePickups, ctx: VerbContext): Promise<PickupEnd> {
  const { summary } = candidate;
  let reply: RemotePickupReply;
  try {
    reply = await remote.pickup(summary.instanceId, summary.callId, {
      kind: candidate.kind,
      ext: candidate.ext,
      picker: { callId: picker.callId, domain: ctx.caller.domain, sdp: picker.sdp, tag: picker.tag, from: picker.dest?.type === 'client' ? picker.dest.address : '' },
    });
  } catch (err) {
    ctx.logger.warn({ err, code: 'PBX_ERR_PICKUP_REMOTE', callId: ctx.callId, target: summary.callId, owner: summary.instanceId }, 'pickup: the owning call-router did not answer');
    return { outcome: 'refused', why: (err as Error).message };
  }
  if (reply.outcome !== 'answer') return reply;
  const dropTarget = () => remote.hangup(summary.domain, summary.callId, 'B').catch(() => undefined);
  let leg: PickerLeg;
  try {
    leg = await picker.answer(reply.sdp);
  } catch (err) {
    ctx.logger.warn({ err, code: 'PBX_ERR_PICKUP_ANSWER', callId: ctx.callId, target: summary.callId }, 'pickup: the picker could not be answered');
    await dropTarget();
    return { outcome: 'failed', status: 500, reason: 'Server Internal Error', answered: false };
  }
  const dialog = leg.dialog;
  // The picker's call ends: by its BYE (its dialog is gone first), or by the owner hanging it up.
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const byPicker = dialog?.connected === false;
  if (byPicker) await dropTarget();
  return { outcome: 'bridged', endedby: byPicker ? 'picker' : 'party' };
}
