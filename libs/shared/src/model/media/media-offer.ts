import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaCodecListSchema, MediaEngineIdSchema, MediaSdpSchema, MediaTagSchema } from './media-common.js';

/**
 * `dragon.media.offer`: anchor an SDP offer (RFC 3264 §5) in RTPEngine and get
 * the SDP to send on. Codec handling follows the original (docs/contract.md §4.2):
 * the caller's codecs are masked, the destination's are offered (transcoded),
 * `telephone-event` is added when the caller lacks it. With `direct` the SDP
 * passes through untouched and no engine is involved.
 */
export const MediaOfferRequestSchema = Type.Object(
  {
    callId: MediaCallIdSchema,
    fromTag: MediaTagSchema,
    sdp: MediaSdpSchema,
    /** Set on a re-offer inside an established dialog. */
    toTag: Type.Optional(MediaTagSchema),
    /** The offering side's codecs (caller's list). @defaultValue none (no mask) */
    callerCodecs: Type.Optional(MediaCodecListSchema),
    /** The receiving side's codecs (destination's list). @defaultValue none (no transcoding) */
    destCodecs: Type.Optional(MediaCodecListSchema),
    /** Leave RTPEngine out; decided by the call-router. @defaultValue false */
    direct: Type.Optional(Type.Boolean()),
    /** Let RTPEngine inject RFC 4733 events into this session. @defaultValue true */
    injectDtmf: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MediaOfferRequest = Static<typeof MediaOfferRequestSchema>;

/** Reply of `dragon.media.offer` (and of `dragon.media.answer`). */
export const MediaSdpResultSchema = Type.Object(
  {
    sdp: MediaSdpSchema,
    engine: MediaEngineIdSchema,
    direct: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type MediaSdpResult = Static<typeof MediaSdpResultSchema>;
