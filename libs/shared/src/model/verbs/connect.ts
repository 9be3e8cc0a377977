import { type Static, Type } from '@sinclair/typebox';
import { MediaUrlSchema, StatusLabelSchema } from './common.js';
import { ConnectDestSchema } from './connect-dest.js';

/**
 * Upper bound on forked legs. The original sets none; every leg is an INVITE
 * and an RTPEngine offer, so an unbounded list is a resource exhaustion hole.
 */
export const MAX_CONNECT_DESTS = 32;

/** `connect`: ring every destination at once; the first answer is bridged (docs/contract.md §4.2). */
export const ConnectVerbSchema = Type.Object(
  {
    verb: Type.Literal('connect'),
    dest: Type.Union(
      [ConnectDestSchema, Type.Array(ConnectDestSchema, { minItems: 1, maxItems: MAX_CONNECT_DESTS })],
      { description: 'Destinations rung in parallel; a single object is accepted' },
    ),
    reconnect: Type.Optional(
      Type.Boolean({ default: false, description: 'Offer an already answered caller to new destinations' }),
    ),
    callerId: Type.Optional(Type.String({ minLength: 1, description: "Calling number; default the caller's" })),
    callerName: Type.Optional(Type.String({ description: 'Display name; default callerId' })),
    ringtone: Type.Optional(MediaUrlSchema),
    statusLabel: Type.Optional(StatusLabelSchema),
  },
  { additionalProperties: false, title: 'connect', description: 'Connect the caller to one or more destinations' },
);
export type ConnectVerb = Static<typeof ConnectVerbSchema>;
