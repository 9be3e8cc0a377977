import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaTagSchema } from './media-common.js';

/**
 * `dragon.media.dtmf`: inject DTMF as RFC 4733 (ex RFC 2833) telephone-events
 * towards the party identified by `fromTag`'s peer; used for SIP INFO relay
 * (docs/contract.md §4.2, "While connected").
 */
export const MediaDtmfRequestSchema = Type.Object(
  {
    callId: MediaCallIdSchema,
    /** The tag whose media stream carries the injected events. */
    fromTag: MediaTagSchema,
    /** Digits 0-9, *, #, A-D, played in order. */
    digits: Type.String({ pattern: '^[0-9*#A-Da-d]{1,32}$' }),
    /** Length of each tone. @defaultValue 250 (the original's SIP INFO default) */
    durationMs: Type.Optional(Type.Integer({ minimum: 40, maximum: 5000 })),
    /** Gap between two tones. @defaultValue 100 */
    pauseMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 5000 })),
  },
  { additionalProperties: false },
);
export type MediaDtmfRequest = Static<typeof MediaDtmfRequestSchema>;
