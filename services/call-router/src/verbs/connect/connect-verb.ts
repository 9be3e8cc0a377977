import { type ConnectDest, type ConnectVerb, isDirectMedia, withoutDirect } from '@dragonpbx/shared/contracts';
import type { Dialog } from '@dragonpbx/shared/srf';
import type { VerbContext, VerbOutcome, VerbServices } from '../verb-context.js';
import { BLeg, CANCEL_REASONS } from './b-leg.js';
import { resolveLegs } from './resolve-legs.js';

/** Which side ended a bridged call (`connect:hangup` `endedby`). */
type EndedBy = 'A' | 'B';

/**
 * `connect` (docs/contract.md §4.2) to `client` and `sip` destinations: every leg
 * is INVITEd at once with RTPEngine's offer of the caller's SDP (media
 * anchored through the media-controller), each with its own ring timer. The
 * first 200 wins: its SDP is answered through RTPEngine, the caller gets the
 * 200 OK, and the other legs are CANCELled with RFC 3326 `Reason`. The verb
 * lasts as long as the bridge: a BYE from A ends the call (B gets BYE); a BYE
 * from B leaves A up and the script continues. When no leg answers (or none
 * could be resolved) the verb completes at once and the next verb runs.
 */
export async function runConnect(verb: ConnectVerb, ctx: VerbContext): Promise<VerbOutcome> {
  const services = ctx.services;
  if (services === undefined) {
    ctx.logger.warn({ callId: ctx.callId }, 'connect needs SIP and media services; skipped');
    return 'next';
  }
  if (ctx.answered) {
    // reconnect (re-INVITE of the answered A leg) is not built yet.
    ctx.emit('connect:skipped');
    return 'next';
  }
  ctx.emit('connect:start');
  const dests = Array.isArray(verb.dest) ? verb.dest : [verb.dest];
  const targets = await resolveLegs(dests, ctx.caller.domain, services.contacts);
  if (targets.length === 0 || ctx.signal.aborted) {
    ctx.emit('connect:complete');
    return 'next';
  }
  if (ctx.caller.sdp === '') {
    // Late offer (INVITE without SDP) is not built yet.
    ctx.respond(488, 'Not Acceptable Here', { 'X-Reason': 'INVITE without SDP not supported' });
    return 'end';
  }
  const offer = await offerFor(verb, ctx, services);
  if (offer === undefined) return 'end';

  const legs = targets.map((t) => new BLeg(t, () => undefined));
  const winner = await fork(legs, offer, verb, ctx, services);
  if (winner === undefined) {
    ctx.emit('connect:complete');
    return ctx.signal.aborted ? 'end' : 'next';
  }
  const bDialog = winner.dialog!;
  // B may hang up while the caller is being answered: remember it for the bridge.
  // Same read as its 200 (drachtio-srf resolves first, then dispatches the BYE): already gone.
  let bGone = bDialog.connected === false;
  bDialog.once('destroy', () => {
    bGone = true;
  });
  const a = await answerCaller(bDialog, ctx, services);
  if (a === undefined) {
    await winner.hangup();
    ctx.emit('connect:complete');
    return 'end';
  }
  ctx.emit('connect:answered', { dest: publicDest(winner.target.dest), index: winner.target.index });
  const endedBy = bGone ? 'B' : await bridge(a, bDialog, ctx.signal);
  if (endedBy === 'A') await winner.hangup();
  else winner.remoteHungUp();
  ctx.emit('connect:hangup', { endedby: endedBy });
  ctx.emit('connect:complete');
  return endedBy === 'A' ? 'end' : 'next';
}

/** RTPEngine's offer for the B legs; `undefined` after answering the caller 503 (media unavailable). */
async function offerFor(verb: ConnectVerb, ctx: VerbContext, services: VerbServices): Promise<string | undefined> {
  const dests = Array.isArray(verb.dest) ? verb.dest : [verb.dest];
  // One offer serves every leg: the destination codecs are the first sip dest's, else the caller's.
  let destCodecs: readonly string[] = ctx.caller.codecs;
  for (const d of dests) {
    if (d.type === 'sip' && d.codecs) {
      destCodecs = d.codecs;
      break;
    }
  }
  const direct = isDirectMedia(ctx.caller.codecs, destCodecs);
  try {
    const res = await services.media.offer({
      callId: ctx.callId,
      fromTag: ctx.caller.fromTag,
      sdp: ctx.caller.sdp,
      callerCodecs: withoutDirect(ctx.caller.codecs),
      destCodecs: withoutDirect(destCodecs),
      direct,
    });
    if (!direct) ctx.defer(() => services.media.delete({ callId: ctx.callId }));
    return res.sdp;
  } catch (err) {
    ctx.logger.warn({ err, code: (err as { code?: string }).code, callId: ctx.callId }, 'media offer failed');
    ctx.emit('connect:complete');
    ctx.respond(503, 'Service Unavailable', { 'Retry-After': '5' });
    return undefined;
  }
}

/** Rings every leg; resolves with the first leg that answered, or `undefined` when none did. */
function fork(legs: BLeg[], sdp: string, verb: ConnectVerb, ctx: VerbContext, services: VerbServices): Promise<BLeg | undefined> {
  return new Promise((resolve) => {
    let winner: BLeg | undefined;
    let pending = legs.length;
    const onAbort = () => {
      for (const leg of legs) leg.cancel(CANCEL_REASONS.terminated);
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
      const raw = leg.target.dest;
      const auth = raw.type === 'sip' && raw.username !== undefined ? { username: raw.username, password: raw.password ?? '' } : undefined;
      const invite = { sdp, callerId: verb.callerId ?? (ctx.caller.from || 'anonymous'), headers: headersOf(raw.headers), ...(auth && { auth }) };
      void leg
        .start(services.srf, invite, () => ctx.emit('connect:timeout', { dest, index }))
        .then(async (outcome) => {
          if (outcome.kind === 'answered') {
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
  });
}

/** A destination as events show it: never its `password` (docs/contract.md §5.3: credentials never leave the PBX). */
function publicDest(dest: ConnectDest): ConnectDest {
  if (dest.type !== 'sip' || dest.password === undefined) return dest;
  const { password: _hidden, ...rest } = dest;
  return rest;
}

function headersOf(h: Record<string, string | number> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = String(v);
  return out;
}

/** Answers B's SDP through RTPEngine and the caller with the result; `undefined` when the caller is gone. */
async function answerCaller(b: Dialog, ctx: VerbContext, services: VerbServices): Promise<Dialog | undefined> {
  try {
    const { sdp } = await services.media.answer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, toTag: b.sip.remoteTag, sdp: b.remote.sdp });
    if (ctx.signal.aborted) return undefined;
    return await ctx.answer(sdp);
  } catch (err) {
    ctx.logger.warn({ err, callId: ctx.callId }, 'could not answer the caller');
    if (!ctx.answered) ctx.respond(503, 'Service Unavailable', { 'Retry-After': '5' });
    return undefined;
  }
}

/** Waits for the end of the bridge: BYE from A (or the call aborted) or BYE from B. */
function bridge(a: Dialog, b: Dialog, signal: AbortSignal): Promise<EndedBy> {
  return new Promise((resolve) => {
    let done = false;
    const end = (by: EndedBy) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      resolve(by);
    };
    const onAbort = () => end('A');
    if (signal.aborted) return end('A');
    signal.addEventListener('abort', onAbort, { once: true });
    a.once('destroy', () => end('A'));
    b.once('destroy', () => end('B'));
  });
}
