import type { ConnectDest } from '@dragonpbx/shared/contracts';
import type { Dialog } from '@dragonpbx/shared/srf';
import { InDialogRelay } from '../connect/in-dialog-relay.js';
import type { VerbContext, VerbServices } from '../verb-context.js';
import type { PickupKind } from './pickup-target.js';

/**
 * The reason a call's script signal carries when a pickup takes the call over: its ringing
 * legs are CANCELled with "Call completed elsewhere" (RFC 3326), not as a missed call.
 */
export const PICKED_UP = new Error('the call was picked up');

/** The caller who ran `pickup`, as the call it takes over sees it. */
export interface Picker {
  readonly callId: string;
  /** The picker's SDP offer. */
  readonly sdp: string;
  /** The picker's From tag: its side in the taken call's media session. */
  readonly tag: string;
  /** The picker as the taken call's new B leg (its summary's `endpointB`), when it is a client. */
  readonly dest?: ConnectDest;
  /** Aborted when the picker's call ends. */
  readonly signal: AbortSignal;
  /** Answers the picker's INVITE with `sdp` (on whichever replica owns the picker's call). */
  answer(sdp: string): Promise<PickerLeg>;
}

/** The answered picker, as the taken call holds it. */
export interface PickerLeg {
  /** The picker's dialog when its call is on this replica: in-dialog requests are relayed then. */
  readonly dialog?: Dialog;
  /** Hangs the picker up (BYE), wherever its call is. */
  hangup(): Promise<void>;
}

/** A pickup handed to the call that owns the target leg. */
export interface PickupRequest {
  readonly kind: PickupKind;
  readonly ext: string;
  readonly picker: Picker;
}

/** How a pickup ended, for the picker's verb. */
export type PickupEnd =
  /** The target call could not be taken (no longer in that state, already taken, over): try the next. */
  | { readonly outcome: 'refused'; readonly why: string }
  /** It was taken but joining failed; `answered` says whether the picker had been answered. */
  | { readonly outcome: 'failed'; readonly status: number; readonly reason: string; readonly answered: boolean }
  /** The picker was bridged with the call's party until one of them hung up. */
  | { readonly outcome: 'bridged'; readonly endedby: 'party' | 'picker' };

/** A call that can be picked up (a {@link CallSession}). */
export interface PickupTarget {
  /** Takes the target leg away and bridges the picker with the call's party; resolves when that ends. */
  pickUp(request: PickupRequest): Promise<PickupEnd>;
}

/**
 * The taken call's side of a pickup (docs/contract.md §4.6), run by its owner once its
 * ringing legs are CANCELled (ringing) or its B leg got BYE (connected steal):
 * RTPEngine offers the party's SDP under the call's media session, the
 * picker is answered with that offer, the picker's SDP is the answer, and
 * the party is answered with the result (ringing) or re-INVITEd onto it
 * (connected). The two are then bridged (in-dialog requests relayed) until
 * one hangs up; the picker gets BYE when the party goes first.
 */
export async function joinPicker(request: PickupRequest, ctx: VerbContext, services: VerbServices): Promise<PickupEnd> {
  const { picker } = request;
  const party = ctx.answered ? ctx.dialog : undefined;
  const partySdp = party !== undefined ? party.remote.sdp : ctx.caller.sdp;
  if (ctx.signal.aborted) return { outcome: 'refused', why: 'the call is over' };
  if (partySdp.trim() === '' || picker.sdp.trim() === '') {
    ctx.logger.warn({ code: 'PBX_ERR_PICKUP_NO_SDP', callId: ctx.callId, picker: picker.callId }, 'pickup: an INVITE without SDP cannot be picked up');
    return { outcome: 'failed', status: 488, reason: 'Not Acceptable Here', answered: false };
  }
  let offer: string;
  try {
    const codecs = [...ctx.caller.codecs];
    offer = (await services.media.offer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, sdp: partySdp, callerCodecs: codecs, destCodecs: codecs, direct: false })).sdp;
  } catch (err) {
    ctx.logger.warn({ err, code: 'PBX_ERR_PICKUP_MEDIA', callId: ctx.callId }, 'pickup: media offer failed');
    return { outcome: 'failed', status: 503, reason: 'Service Unavailable', answered: false };
  }
  // A direct-media call had no RTPEngine session until now; for an anchored one this second delete finds none.
  ctx.defer(() => services.media.delete({ callId: ctx.callId }).catch(() => undefined));
  if (ctx.signal.aborted || picker.signal.aborted) return { outcome: 'refused', why: 'a party hung up' };
  let pickerLeg: PickerLeg;
  try {
    pickerLeg = await picker.answer(offer);
  } catch (err) {
    ctx.logger.warn({ err, code: 'PBX_ERR_PICKUP_ANSWER', callId: ctx.callId, picker: picker.callId }, 'pickup: the picker could not be answered');
    return { outcome: 'failed', status: 500, reason: 'Server Internal Error', answered: false };
  }
  let partyDialog: Dialog;
  try {
    const { sdp } = await services.media.answer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, toTag: picker.tag, sdp: picker.sdp, direct: false });
    if (ctx.signal.aborted) throw new Error('the party hung up');
    if (party !== undefined) {
      // RFC 3261 §14.1: the kept party moves onto the new bridge.
      await party.modify(sdp);
      partyDialog = party;
    } else {
      partyDialog = await ctx.answer(sdp);
    }
  } catch (err) {
    ctx.logger.warn({ err, code: 'PBX_ERR_PICKUP_JOIN', callId: ctx.callId, picker: picker.callId }, 'pickup: the party could not be joined to the picker');
    await pickerLeg.hangup();
    return { outcome: 'failed', status: 500, reason: 'Server Internal Error', answered: true };
  }
  const codecs = ctx.caller.codecs;
  const pickerDialog = pickerLeg.dialog;
  const relay =
    pickerDialog === undefined
      ? undefined
      : new InDialogRelay({ name: 'A', dialog: partyDialog, tag: ctx.caller.fromTag, codecs }, { name: 'B', dialog: pickerDialog, tag: picker.tag, codecs }, false, ctx, services).start();
  // The picker is the call's B leg now: a REST hang-up of leg B (or the picker's replica telling of its BYE) drops it.
  const drop = new AbortController();
  const dest = picker.dest ?? { type: 'sip' as const, address: `sip:pickup@${ctx.caller.domain}` };
  const unbridged = ctx.bridged?.({ dest, drop: () => drop.abort(PICKER_DROPPED) });
  const endedby = await bridgeEnd(partyDialog, pickerDialog, ctx.signal, picker.signal, drop.signal);
  unbridged?.();
  relay?.stop();
  if (endedby === 'party' || drop.signal.aborted) await pickerLeg.hangup();
  return { outcome: 'bridged', endedby };
}

/** The reason of the drop signal: a REST hang-up of the picker (leg B). */
const PICKER_DROPPED = new Error('the picker was hung up through the REST API');

/** Waits for one side to go: the party's BYE (or its call over), the picker's BYE (or its call over, or dropped). */
function bridgeEnd(party: Dialog, picker: Dialog | undefined, partySignal: AbortSignal, pickerSignal: AbortSignal, drop: AbortSignal): Promise<'party' | 'picker'> {
  return new Promise((resolve) => {
    let done = false;
    const offs: (() => void)[] = [];
    const end = (by: 'party' | 'picker') => {
      if (done) return;
      done = true;
      for (const off of offs) off();
      resolve(by);
    };
    const onSignal = (signal: AbortSignal, by: 'party' | 'picker') => {
      if (signal.aborted) return end(by);
      const listener = () => end(by);
      signal.addEventListener('abort', listener, { once: true });
      offs.push(() => signal.removeEventListener('abort', listener));
    };
    onSignal(partySignal, 'party');
    onSignal(pickerSignal, 'picker');
    onSignal(drop, 'picker');
    party.once('destroy', () => end('party'));
    picker?.once('destroy', () => end('picker'));
  });
}
