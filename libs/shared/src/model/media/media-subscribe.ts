import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaCodecListSchema, MediaSdpSchema, MediaTagSchema } from './media-common.js';

/**
 * `dragon.media.subscribe`: fork the media of some legs to a new subscriber
 * (SIPREC, RFC 7866 §6). RTPEngine returns an SDP offer for the recording
 * server and the subscriber's new tag.
 */
export const MediaSubscribeRequestSchema = Type.Object(
  {
    callId: MediaCallIdSchema,
    /** The legs to record; each becomes one m= line. */
    fromTags: Type.Array(MediaTagSchema, { minItems: 1, maxItems: 2 }),
    /** Codecs of the recording stream. @defaultValue `["PCMU"]` (docs/contract.md §4.5) */
    codecs: Type.Optional(MediaCodecListSchema),
  },
  { additionalProperties: false },
);
export type MediaSubscribeRequest = Static<typeof MediaSubscribeRequestSchema>;

export const MediaSubscribeResultSchema = Type.Object(
  { sdp: MediaSdpSchema, toTag: MediaTagSchema },
  { additionalProperties: false },
);
export type MediaSubscribeResult = Static<typeof MediaSubscribeResultSchema>;

/** `dragon.media.subscribe-answer`: the recording server's SDP answer. */
export const MediaSubscribeAnswerRequestSchema = Type.Object(
  { callId: MediaCallIdSchema, toTag: MediaTagSchema, sdp: MediaSdpSchema },
  { additionalProperties: false },
);
export type MediaSubscribeAnswerRequest = Static<typeof MediaSubscribeAnswerRequestSchema>;

/** `dragon.media.unsubscribe`: stop forking to a subscriber. */
export const MediaUnsubscribeRequestSchema = Type.Object(
  { callId: MediaCallIdSchema, toTag: MediaTagSchema },
  { additionalProperties: false },
);
export type MediaUnsubscribeRequest = Static<typeof MediaUnsubscribeRequestSchema>;
