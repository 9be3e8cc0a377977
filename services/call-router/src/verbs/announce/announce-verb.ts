import { randomBytes } from 'node:crypto';
import type { AnnounceVerb } from '@dragonpbx/shared/contracts';
import { placeholderAnswer, playToCaller, stopPlayback } from '../early-media.js';
import { sleep } from '../pause-verb.js';
import type { VerbContext, VerbOutcome, VerbServices } from '../verb-context.js';
import { MediaFileError } from './media-file.js';
import { playableFile } from './playable-file.js';

const failed = (ctx: VerbContext, reason: string, status = 500) => {
  ctx.emit('playback:failed', { error: { status, reason } });
  return 'next' as const;
};

/**
 * `announce` (docs/contract.md §4.1): plays a file under `MEDIA_PATH`, or an
 * http(s) file downloaded once ({@link playableFile}), to the caller.
 * Unanswered call (the default): the caller's offer is anchored in RTPEngine
 * against a placeholder answer and the result sent in a 183 Session Progress
 * (once per call), then the file plays as early media; `answer: true` answers
 * 200 OK first; on an answered call it plays into the existing session. The
 * verb lasts the file's length (RTPEngine's figure) and a caller CANCEL or
 * hang-up stops the playback at once.
 */
export async function runAnnounce(verb: AnnounceVerb, ctx: VerbContext): Promise<VerbOutcome> {
  const services = ctx.services;
  if (services === undefined) {
    ctx.logger.warn({ callId: ctx.callId }, 'announce needs media services; skipped');
    return 'next';
  }
  let file: string;
  try {
    file = await playableFile(verb.url, services);
  } catch (err) {
    if (!(err instanceof MediaFileError)) ctx.logger.warn({ err, callId: ctx.callId }, 'media URL failed');
    return err instanceof MediaFileError ? failed(ctx, err.message, err.status) : failed(ctx, 'bad media URL', 400);
  }
  if (ctx.signal.aborted) return 'end';
  if (!ctx.answered) {
    if (ctx.caller.sdp === '') return failed(ctx, 'INVITE without SDP', 488);
    try {
      await setUpMedia(verb, ctx, services);
    } catch (err) {
      ctx.logger.warn({ err, code: (err as { code?: string }).code, callId: ctx.callId }, 'announce media set-up failed');
      return failed(ctx, 'media unavailable', 503);
    }
  }
  if (ctx.signal.aborted) return 'end';
  let durationMs: number;
  try {
    durationMs = await playToCaller(ctx, services, file);
  } catch (err) {
    ctx.logger.warn({ err, code: (err as { code?: string }).code, callId: ctx.callId }, 'playback failed');
    return failed(ctx, (err as { remote?: { code?: string } }).remote?.code ?? 'playback failed');
  }
  ctx.emit('playback:start');
  await sleep(durationMs, ctx.signal);
  if (ctx.signal.aborted) {
    await stopPlayback(ctx, services);
    return 'end';
  }
  ctx.emit('playback:complete', { duration: durationMs });
  return 'next';
}

/** Anchors the caller's offer against the placeholder and sends 183 (or 200 with `answer: true`), once per call. */
async function setUpMedia(verb: AnnounceVerb, ctx: VerbContext, services: VerbServices): Promise<void> {
  let sdp = ctx.media.earlySdp;
  if (sdp === undefined) {
    await services.media.offer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, sdp: ctx.caller.sdp, callerCodecs: [...ctx.caller.codecs] });
    ctx.defer(() => services.media.delete({ callId: ctx.callId }));
    const toTag = `pbx-${randomBytes(6).toString('hex')}`;
    sdp = await placeholderAnswer(ctx, services, toTag);
    ctx.media.earlySdp = sdp;
  }
  if (verb.answer === true) await ctx.answer(sdp);
  else if (!ctx.media.earlyMediaSent) {
    ctx.progress(183, sdp);
    ctx.media.earlyMediaSent = true;
  }
}
