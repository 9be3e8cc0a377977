import { type Static, Type } from '@sinclair/typebox';
import { MediaUrlSchema, StatusLabelSchema } from './common.js';

/** `announce`: play a media file, as early media or on the answered call (docs/contract.md §4.1). */
export const AnnounceVerbSchema = Type.Object(
  {
    verb: Type.Literal('announce'),
    url: MediaUrlSchema,
    answer: Type.Optional(
      Type.Boolean({ default: false, description: 'Answer (200 OK) first, then play on the answered call' }),
    ),
    statusLabel: Type.Optional(StatusLabelSchema),
  },
  { additionalProperties: false, title: 'announce', description: 'Play a media file to the caller' },
);
export type AnnounceVerb = Static<typeof AnnounceVerbSchema>;
