import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaTagSchema } from './media-common.js';

/**
 * `dragon.media.delete`: release a session's ports. With only `callId` the
 * whole call goes; with `fromTag` (and `toTag`) only that branch, e.g. a
 * losing fork of a parallel connect.
 */
export const MediaDeleteRequestSchema = Type.Object(
  {
    callId: MediaCallIdSchema,
    fromTag: Type.Optional(MediaTagSchema),
    toTag: Type.Optional(MediaTagSchema),
  },
  { additionalProperties: false },
);
export type MediaDeleteRequest = Static<typeof MediaDeleteRequestSchema>;

/** `deleted` is false when the engine no longer knew the call (already gone). */
export const MediaDeleteResultSchema = Type.Object({ deleted: Type.Boolean() }, { additionalProperties: false });
export type MediaDeleteResult = Static<typeof MediaDeleteResultSchema>;
