import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaSdpSchema, MediaTagSchema } from './media-common.js';

/**
 * `dragon.media.answer`: the far end's SDP answer (RFC 3264 §6) for a session
 * opened by an offer; RTPEngine returns the answer to relay back to the offerer.
 * Reply: {@link MediaSdpResult}.
 */
export const MediaAnswerRequestSchema = Type.Object(
  {
    callId: MediaCallIdSchema,
    fromTag: MediaTagSchema,
    toTag: MediaTagSchema,
    sdp: MediaSdpSchema,
    /** Must match the offer's `direct`. @defaultValue false */
    direct: Type.Optional(Type.Boolean()),
    /** @defaultValue true */
    injectDtmf: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MediaAnswerRequest = Static<typeof MediaAnswerRequestSchema>;
