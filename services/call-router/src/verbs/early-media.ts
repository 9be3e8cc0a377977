import type { VerbContext, VerbServices } from './verb-context.js';

/**
 * The answer of the pseudo far end while the caller hears early media
 * (docs/contract.md §4.1, §4.2 ringback): PCMU, send-only, discard port 9 —
 * RTPEngine then sends the played file to the caller and nothing else.
 */
export const PLACEHOLDER_SDP = ['v=0', 'o=- 0 0 IN IP4 0.0.0.0', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 9 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendonly', ''].join('\r\n');

/**
 * Answers the caller's RTPEngine offer with {@link PLACEHOLDER_SDP} under
 * `toTag` and returns RTPEngine's SDP for the caller: what goes in a 183
 * Session Progress before a file plays as early media (`announce`, ringback).
 */
export async function placeholderAnswer(ctx: VerbContext, services: VerbServices, toTag: string): Promise<string> {
  const { sdp } = await services.media.answer({ callId: ctx.callId, fromTag: ctx.caller.fromTag, toTag, sdp: PLACEHOLDER_SDP });
  return sdp;
}

/** Plays `file` (already checked against `MEDIA_PATH`) to the caller, `repeatTimes` passes in a row; resolves with one pass's length. */
export async function playToCaller(ctx: VerbContext, services: VerbServices, file: string, repeatTimes = 1): Promise<number> {
  const { durationMs } = await services.media.play({ callId: ctx.callId, fromTag: ctx.caller.fromTag, file, ...(repeatTimes > 1 && { repeatTimes }) });
  return durationMs;
}

/** Stops what {@link playToCaller} started; a failure is only logged (the session may already be gone). */
export async function stopPlayback(ctx: VerbContext, services: VerbServices): Promise<void> {
  await services.media.stop({ callId: ctx.callId, fromTag: ctx.caller.fromTag }).catch((err: unknown) => {
    ctx.logger.debug({ err, callId: ctx.callId }, 'stopping playback failed');
  });
}
