import type { RecordVerb } from '@dragonpbx/shared/contracts';
import type { VerbContext, VerbOutcome } from '../verb-context.js';
import { type RecordedCall, SiprecRecorder } from './siprec-recorder.js';

/**
 * `record` (docs/contract.md §4.5): arms SIPREC recording of the next answered connect and
 * ends at once (`record:armed`). A second `record` before that connect replaces the first.
 * The recording stops (BYE to the recording server) when the call ends.
 */
export function runRecord(verb: RecordVerb, ctx: VerbContext): VerbOutcome {
  const services = ctx.services;
  if (services === undefined) {
    ctx.logger.warn({ callId: ctx.callId }, 'record needs SIP and media services; skipped');
    return 'next';
  }
  const recorder = new SiprecRecorder(verb, ctx, services);
  void ctx.media.recorder?.stop();
  ctx.media.recorder = recorder;
  ctx.defer(() => recorder.stop());
  ctx.emit('record:armed', { sessionId: recorder.sessionId });
  return 'next';
}

/** An answered connect: starts the recording a `record` verb armed, if any (once). */
export function startArmedRecording(ctx: VerbContext, call: RecordedCall): void {
  const recorder = ctx.media.recorder;
  ctx.media.recorder = undefined;
  recorder?.start(call);
}
