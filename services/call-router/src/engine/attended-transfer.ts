import { randomUUID } from 'node:crypto';
import { PbxError } from '@dragonpbx/shared/contracts';
import type { MediaClient } from '@dragonpbx/shared/messaging';
import type { Dialog, SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import type { Logger } from 'pino';
import { PBX_ERR_REPLACES_NO_DIALOG, PBX_ERR_REPLACES_REINVITE } from '../call-router-errors.js';
import type { BridgeSide } from '../verbs/connect/in-dialog-relay.js';
import type { TransferRequest } from '../verbs/connect/refer.js';
import { namesDialog, type Replaces } from '../verbs/connect/replaces.js';

/**
 * What the owner of the replaced call is asked (`dragon.calls.<owner>.replace`):
 * hand the party that stays on it over to the transferor's call.
 */
export interface ReplaceRequest {
  /** The dialog the transferor named (its own dialog on the replaced call). */
  readonly replaces: Replaces;
  /** The transferor's call: its domain must be the replaced call's, and each end hangs the other up. */
  readonly peer: { readonly callId: string; readonly domain: string };
  /** RTPEngine's offer for the moved party (a re-offer of the transferee's SDP). */
  readonly offer: string;
  /** The RTPEngine session both parties now share (a new one, the transferor's call's to delete) and the transferee's tag in it. */
  readonly media: { readonly callId: string; readonly tag: string };
}

/** The owner's answer: RTPEngine's answer for the transferee, the moved party's tag, and the replaced call's Call-ID. */
export interface ReplaceResult {
  readonly sdp: string;
  readonly tag: string;
  /** The replaced call (its summary's Call-ID; the Replaces may have named its other dialog). */
  readonly callId: string;
}

/** How a call reaches another one, wherever it runs (the REST commands' `CallCommands`). */
export interface CallJoiner {
  /**
   * Asks the owner of the call one of whose dialogs has Call-ID `callId` (the call's own, or
   * the other bridged dialog's, from the live-call summaries) to hand its party over.
   * @throws PbxError with the status the transferor's final NOTIFY carries (404 → 481 there)
   */
  replace(domain: string, callId: string, request: ReplaceRequest): Promise<ReplaceResult>;
  hangup(domain: string, callId: string, leg: 'A' | 'B'): Promise<void>;
}

/** A bridge as the replaced call's owner sees it: both sides, and how to end it without BYE to the one that stays. */
export interface BridgeHandOver {
  readonly a: BridgeSide;
  readonly b: BridgeSide;
  /** Ends the bridge as a transfer would and sends BYE to side `transferor`. */
  handOver(transferor: 'A' | 'B'): void;
}

/** What the two halves of an attended transfer need from the call they run in. */
export interface AttendedCall {
  readonly callId: string;
  readonly domain: string;
  /** The call's own signal: aborted when the call ends, however it ends. */
  readonly signal: AbortSignal;
  readonly media: Pick<MediaClient, 'offer' | 'answer' | 'delete'>;
  readonly joiner: CallJoiner;
  /** Runs `cleanup` when the call ends (the joined media session). */
  readonly defer: (cleanup: () => Promise<unknown>) => void;
  readonly logger: Pick<Logger, 'warn' | 'info' | 'debug'>;
}

const STATUS_REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
};
const reasonOf = (status: number) => STATUS_REASON[status] ?? 'Failed';

/**
 * The transferor's side of an attended transfer (docs/contract.md §5.2, RFC 5589 §7),
 * run by the call that got the REFER once its bridge has ended: RTPEngine offers
 * the transferee's SDP in a new media session this call owns (sendrecv: the
 * transferor usually held it; a new session, because a re-offer under the old
 * one's tags would keep the transferor's ports), the replaced call's owner — this replica or another, found
 * through the live-call summary — re-INVITEs the party that stays there with that
 * offer and hands it over, the transferee is re-INVITEd with RTPEngine's answer,
 * the transferor gets NOTIFY `200 OK` and BYE. Both calls then stay joined, each
 * replica keeping its own dialog, until one party hangs up: its call hangs the
 * other up. A failure ends the subscription with its status (481 when the dialog
 * is unknown) and the call goes on to its usual end.
 */
export async function runAttendedTransfer(t: TransferRequest, call: AttendedCall): Promise<void> {
  const replaces = t.target.replaces!;
  const { subscription, remaining } = t;
  const fail = (status: number) => subscription.finish(status, reasonOf(status));
  if (replaces.callId === call.callId) {
    call.logger.warn({ code: 'PBX_ERR_REFER_INVALID', callId: call.callId }, 'attended transfer names its own call');
    fail(403);
    return;
  }
  // Printable ASCII, bounded like a Call-ID (the media-controller's schema).
  const mediaId = `joined-${randomUUID()}`;
  let offer: string;
  try {
    offer = (
      await call.media.offer({
        callId: mediaId,
        fromTag: remaining.tag,
        sdp: sendrecv(remaining.dialog.remote.sdp),
        callerCodecs: [...remaining.codecs],
        destCodecs: [...remaining.codecs],
      })
    ).sdp;
  } catch (err) {
    call.logger.warn({ err, code: 'PBX_ERR_REPLACES_MEDIA', callId: call.callId }, 'attended transfer: media offer failed');
    fail(503);
    return;
  }
  call.defer(() => call.media.delete({ callId: mediaId }));
  if (call.signal.aborted) return fail(487);
  let joined: ReplaceResult;
  try {
    joined = await call.joiner.replace(call.domain, replaces.callId, {
      replaces,
      peer: { callId: call.callId, domain: call.domain },
      offer,
      media: { callId: mediaId, tag: remaining.tag },
    });
  } catch (err) {
    const status = err instanceof PbxError ? (err.statusCode === 404 ? 481 : err.statusCode) : 500;
    call.logger.warn({ err, code: (err as PbxError).code ?? 'PBX_ERR_REPLACES', callId: call.callId, replaced: replaces.callId, status }, 'attended transfer refused');
    fail(status >= 400 && status < 700 ? status : 500);
    return;
  }
  const peer = { callId: joined.callId, domain: call.domain };
  if (call.signal.aborted) {
    fail(487);
    await hangupPeer(peer, call);
    return;
  }
  try {
    // RFC 3261 §14.1: the transferee moves onto the shared media; its answer keeps the session it has.
    await remaining.dialog.modify(joined.sdp);
  } catch (err) {
    call.logger.warn({ err, code: 'PBX_ERR_REPLACES_REINVITE', callId: call.callId }, 'attended transfer: the transferee could not be moved');
    fail(480);
    await hangupPeer(peer, call);
    return;
  }
  call.logger.info({ callId: call.callId, replaced: replaces.callId }, 'attended transfer: parties joined');
  subscription.finish(200, 'OK');
  await stayJoined(remaining.dialog, peer, call);
}

/**
 * The replaced call's side (its owner runs it on `replace`): finds the bridge side whose
 * dialog the transferor named, re-INVITEs the other side with the transferor's call's
 * offer (the bridge goes on untouched if that fails), takes RTPEngine's answer for the
 * transferee, then ends the bridge without BYE to the side that stays and BYEs the
 * transferor's dialog. Returns the side that stays with the result.
 * @throws PBX_ERR_REPLACES_NO_DIALOG (481) no side matches
 * @throws PBX_ERR_REPLACES_REINVITE (480) the party refused the re-INVITE
 */
export async function replaceBridgeSide(
  bridge: BridgeHandOver,
  request: ReplaceRequest,
  call: Pick<AttendedCall, 'callId' | 'media' | 'logger'>,
): Promise<{ stays: BridgeSide; result: Omit<ReplaceResult, 'callId'> }> {
  const transferor = [bridge.a, bridge.b].find((s) => namesDialog(request.replaces, s.dialog.sip));
  if (transferor === undefined) throw new PBX_ERR_REPLACES_NO_DIALOG(`${request.replaces.callId}: no bridged dialog with those tags`);
  const stays = transferor === bridge.a ? bridge.b : bridge.a;
  let sdp: string;
  try {
    const remote = await stays.dialog.modify(request.offer);
    sdp = (await call.media.answer({ callId: request.media.callId, fromTag: request.media.tag, toTag: stays.tag, sdp: remote })).sdp;
  } catch (err) {
    call.logger.warn({ err, code: 'PBX_ERR_REPLACES_REINVITE', callId: call.callId }, 'attended transfer: the party that stays could not be moved');
    throw new PBX_ERR_REPLACES_REINVITE((err as Error).message ?? String(err));
  }
  bridge.handOver(transferor.name);
  return { stays, result: { sdp, tag: stays.tag } };
}

/**
 * A party joined to another call by an attended transfer, until its call ends (a BYE
 * from it, a hang-up from the other call, the router stopping); then the other call
 * is hung up too. Its media runs through RTPEngine, so nothing needs relaying: a
 * re-INVITE is answered with the current SDP (as a session refresh), INFO with 200,
 * a REFER with 403.
 */
export async function stayJoined(party: Dialog, peer: { readonly callId: string; readonly domain: string }, call: Pick<AttendedCall, 'signal' | 'joiner' | 'logger' | 'callId'>): Promise<void> {
  const onModify = (_req: SrfRequest, res: SrfResponse) => {
    if (!res.finalResponseSent) res.send(200, { body: party.local.sdp, headers: { 'Content-Type': 'application/sdp', Contact: party.local.contact } });
  };
  const onInfo = (_req: SrfRequest, res: SrfResponse) => res.send(200);
  const onRefer = (_req: SrfRequest, res: SrfResponse) => res.send(403, 'Forbidden', { headers: { 'X-Reason': 'joined by an attended transfer' } });
  party.on('modify', onModify);
  party.on('info', onInfo);
  party.on('refer', onRefer);
  await new Promise<void>((resolve) => {
    if (call.signal.aborted) return resolve();
    call.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  party.removeListener('modify', onModify);
  party.removeListener('info', onInfo);
  party.removeListener('refer', onRefer);
  await hangupPeer(peer, call);
}

async function hangupPeer(peer: { readonly callId: string; readonly domain: string }, call: Pick<AttendedCall, 'joiner' | 'logger' | 'callId'>): Promise<void> {
  try {
    await call.joiner.hangup(peer.domain, peer.callId, 'A');
  } catch (err) {
    // The other call ended first (it is what hung this one up): nothing left to do.
    call.logger.debug({ err, callId: call.callId, peer: peer.callId }, 'joined call already over');
  }
}

/** The SDP with every direction attribute made `sendrecv` (the transferor usually held the transferee). */
export function sendrecv(sdp: string): string {
  return sdp.replace(/^a=(?:sendonly|recvonly|inactive)[ \t]*$/gm, 'a=sendrecv');
}
