import { withoutDirect } from '@dragonpbx/shared/contracts';

/** The `codec` dictionary of an ng offer. */
export interface NgCodecFlags {
  mask?: string[];
  transcode?: string[];
}

const TELEPHONE_EVENT = 'telephone-event';

/** Does the SDP offer RFC 4733 events (`a=rtpmap:<pt> telephone-event/…`)? */
export function sdpHasTelephoneEvent(sdp: string): boolean {
  return /^a=rtpmap:\d+ telephone-event\//im.test(sdp);
}

/**
 * Codec handling of a B-leg offer (docs/contract.md §4.2): mask the caller's codecs
 * so only the destination's reach the far end, transcode into the
 * destination's codecs, and add `telephone-event` when the caller's SDP lacks
 * it so DTMF can still be injected as RFC 4733 events. `DIRECT` never reaches
 * the engine.
 */
export function codecFlags(callerCodecs: readonly string[] | undefined, destCodecs: readonly string[] | undefined, sdp: string): NgCodecFlags {
  const out: NgCodecFlags = {};
  const mask = withoutDirect(callerCodecs);
  const transcode = withoutDirect(destCodecs);
  if (mask.length > 0) out.mask = mask;
  if (transcode.length > 0) {
    const hasTe = transcode.some((c) => c.toLowerCase() === TELEPHONE_EVENT);
    if (!hasTe && !sdpHasTelephoneEvent(sdp)) transcode.push(TELEPHONE_EVENT);
    out.transcode = transcode;
  }
  return out;
}
