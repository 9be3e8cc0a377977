import type { ConnectDest } from '@dragonpbx/shared/contracts';
import type { Dialog, SrfRequest, SrfResponse } from '@dragonpbx/shared/srf';
import type { VerbContext, VerbOutcome, VerbServices } from '../verb-context.js';
import type { BLeg } from './b-leg.js';
import { publicDest } from './connect-verb.js';
import { type BridgeSide, InDialogRelay, send, withoutCredentials } from './in-dialog-relay.js';
import { ReferSubscription, type Transferor, isReferRefusal, readRefer } from './refer.js';

/** How a bridge ended: BYE from A (or the call aborted), BYE from B, or a REFER accepted from either side. */
type BridgeEnd = 'A' | 'B' | 'transfer';

/** The two sides of an answered connect, ready to bridge. */
export interface Bridged {
  /** The call's party (the caller, or whoever stayed after a transfer). */
  readonly a: BridgeSide;
  /** The answered leg. */
  readonly b: BridgeSide;
  readonly winner: BLeg;
  /** RTPEngine left out (`DIRECT` on both sides). */
  readonly direct: boolean;
  /** B hung up while the caller was being answered. */
  readonly bGone: boolean;
}

/**
 * The bridged phase of a `connect` (docs/contract.md §4.2 "While connected"):
 * in-dialog requests relayed until a BYE. A BYE from A ends the call (B gets
 * BYE, `'end'`); a BYE from B leaves A up and the script goes on (`'next'`).
 * A REFER from either side (docs/contract.md §5.2) is answered 202, `connect:refer`
 * carries it, the transferor gets NOTIFY `100 Trying`, and the call is handed
 * to the session with {@link VerbContext.transfer}: the script ends here and
 * the transfer's script runs against the other side (`'end'`).
 */
export async function bridgeCall(call: Bridged, ctx: VerbContext, services: VerbServices): Promise<VerbOutcome> {
  let transferred: ((end: BridgeEnd) => void) | undefined;
  const onTransfer = new Promise<BridgeEnd>((resolve) => {
    transferred = resolve;
  });
  const relay = new InDialogRelay(call.a, call.b, call.direct, ctx, services, (from, _to, req, res) => {
    if (acceptRefer(call, from, req, res, ctx)) transferred?.('transfer');
  }).start();
  // A REST hang-up of leg B ends the bridge as a BYE from B would, but we send the BYE.
  const dropB = new AbortController();
  const join = {
    a: call.a,
    b: call.b,
    // An attended transfer on another call replaces one side (engine/attended-transfer.ts): the other stays up.
    handOver: (transferor: 'A' | 'B') => {
      transferred?.('transfer');
      if (transferor === 'B') void call.winner.hangup();
      else void call.a.dialog.destroy().catch(() => undefined);
    },
  };
  const unbridged = ctx.bridged?.({
    dest: publicDest(call.winner.target.dest),
    drop: () => dropB.abort(B_DROPPED),
    join,
    // A pickup's outbound takeover keeps B for the picker: the bridge ends as after a transfer, B stays up.
    release: () => transferred?.('transfer'),
    kept: call.b,
  });
  const endedBy = call.bGone ? 'B' : await Promise.race([bridge(call.a.dialog, call.b.dialog, ctx.signal, dropB.signal), onTransfer]);
  unbridged?.();
  relay.stop();
  if (endedBy === 'transfer') {
    ctx.emit('connect:complete');
    return 'end';
  }
  if (endedBy === 'A' || dropB.signal.aborted) await call.winner.hangup();
  else call.winner.remoteHungUp();
  ctx.emit('connect:hangup', { endedby: endedBy });
  ctx.emit('connect:complete');
  return endedBy === 'A' ? 'end' : 'next';
}

/** Answers a REFER from `from`; true when it was accepted (202) and the call handed over. */
function acceptRefer(call: Bridged, from: BridgeSide, req: SrfRequest, res: SrfResponse, ctx: VerbContext): boolean {
  const target = readRefer(req);
  if (isReferRefusal(target)) {
    ctx.logger.warn({ code: target.code, callId: ctx.callId, side: from.name }, `REFER refused: ${target.why}`);
    send(res, target.status, target.reason, { 'X-Reason': target.why });
    return false;
  }
  const byB = from.name === 'B';
  const stays = byB ? call.a : call.b;
  const { winner } = call;
  const subscription = new ReferSubscription(
    {
      dialog: from.dialog,
      hangup: byB ? () => winner.hangup() : () => from.dialog.destroy().then(() => undefined, () => undefined),
      gone: byB ? () => winner.remoteHungUp() : () => undefined,
    },
    ctx.logger,
    ctx.callId,
  );
  send(res, 202, 'Accepted', { Contact: from.dialog.local.contact });
  ctx.emit('connect:refer', { req: withoutCredentials(req.raw) });
  const dest = winner.target.dest;
  ctx.transfer({
    target,
    transferorUser: byB ? userOf(dest, from.dialog) : ctx.caller.from,
    transferor: byB ? transferorOf(dest) : { kind: 'party' },
    remaining: {
      dialog: stays.dialog,
      tag: stays.tag,
      codecs: stays.codecs,
      from: byB ? ctx.caller.from : userOf(dest, stays.dialog),
      identity: byB ? { kind: 'party' } : transferorOf(dest),
    },
    sourceAddress: req.source_address,
    sourcePort: req.source_port,
    headers: headersOf(req),
    subscription,
  });
  subscription.progress(100, 'Trying');
  return true;
}

/** Whose dialplan a transfer by this destination uses. */
function transferorOf(dest: ConnectDest): Transferor {
  if (dest.type === 'client') return { kind: 'client', username: dest.address };
  if (dest.type === 'trunk') return { kind: 'trunk', dest };
  return { kind: 'sip' };
}

/** A destination's number: a client's extension, a trunk's address, a sip URI's user. */
function userOf(dest: ConnectDest, dialog: Dialog): string {
  if (dest.type !== 'sip') return dest.address;
  return /^sips?:([^@;>]+)@/i.exec(dialog.remote.uri)?.[1] ?? '';
}

const HIDDEN = new Set(['authorization', 'proxy-authorization']);

/** Every header of the REFER except credentials (docs/contract.md §5.3). */
function headersOf(req: SrfRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) if (!HIDDEN.has(name.toLowerCase()) && typeof value === 'string') out[name] = value;
  return out;
}

/** The reason of a bridge's drop signal: a REST hang-up of leg B. */
const B_DROPPED = new Error('leg B hung up through the REST API');

/** Waits for the end of the bridge: BYE from A (or the call aborted) or BYE from B (or B dropped). */
function bridge(a: Dialog, b: Dialog, signal: AbortSignal, dropB: AbortSignal): Promise<BridgeEnd> {
  return new Promise((resolve) => {
    let done = false;
    const end = (by: BridgeEnd) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      dropB.removeEventListener('abort', onDrop);
      resolve(by);
    };
    const onAbort = () => end('A');
    const onDrop = () => end('B');
    if (signal.aborted) return end('A');
    signal.addEventListener('abort', onAbort, { once: true });
    dropB.addEventListener('abort', onDrop, { once: true });
    a.once('destroy', () => end('A'));
    b.once('destroy', () => end('B'));
  });
}
