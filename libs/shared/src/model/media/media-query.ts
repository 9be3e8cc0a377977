import { type Static, Type } from '@sinclair/typebox';
import { MediaCallIdSchema, MediaEngineIdSchema } from './media-common.js';

/** `dragon.media.query`: where a call lives and how much media each party sent. */
export const MediaQueryRequestSchema = Type.Object({ callId: MediaCallIdSchema }, { additionalProperties: false });
export type MediaQueryRequest = Static<typeof MediaQueryRequestSchema>;

/** Packet counters of one party (tag), summed over its RTP streams. */
export const MediaPartyStatsSchema = Type.Object(
  {
    tag: Type.String(),
    /** RTPEngine's local RTP ports for this party. */
    localPorts: Type.Array(Type.Integer()),
    packets: Type.Integer({ minimum: 0 }),
    bytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type MediaPartyStats = Static<typeof MediaPartyStatsSchema>;

export const MediaQueryResultSchema = Type.Object(
  { engine: MediaEngineIdSchema, parties: Type.Array(MediaPartyStatsSchema) },
  { additionalProperties: false },
);
export type MediaQueryResult = Static<typeof MediaQueryResultSchema>;

/** Reply of operations that only succeed or fail (stop, dtmf, subscribe-answer, unsubscribe). */
export const MediaAckResultSchema = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });
export type MediaAckResult = Static<typeof MediaAckResultSchema>;
