import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaTagSchema } from './media-common.js';

/**
 * An absolute path the RTPEngine process can read (same machine). No `..`
 * segment, so a path checked against MEDIA_PATH by the caller stays there.
 */
export const MediaFilePathSchema = Type.String({
  minLength: 2,
  maxLength: 4096,
  pattern: '^(?!.*/\\.\\.(/|$))/[^\\r\\n\\0]+$',
  description: 'absolute file path without .. segments',
});

/**
 * `dragon.media.play`: play a file to the party identified by `fromTag`.
 * RTPEngine does not report the end of playback, so the reply carries the
 * duration and the call-router schedules `playback:complete` itself.
 */
export const MediaPlayRequestSchema = Type.Object(
  {
    callId: MediaCallIdSchema,
    fromTag: MediaTagSchema,
    file: MediaFilePathSchema,
    /** Play the file this many times in a row (ringback). @defaultValue 1 */
    repeatTimes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type MediaPlayRequest = Static<typeof MediaPlayRequestSchema>;

/** `durationMs` is one pass of the file, as RTPEngine measured it. */
export const MediaPlayResultSchema = Type.Object(
  { durationMs: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type MediaPlayResult = Static<typeof MediaPlayResultSchema>;

/** `dragon.media.stop`: stop a playback early (CANCEL, next verb, answer). */
export const MediaStopRequestSchema = Type.Object(
  { callId: MediaCallIdSchema, fromTag: MediaTagSchema },
  { additionalProperties: false },
);
export type MediaStopRequest = Static<typeof MediaStopRequestSchema>;
