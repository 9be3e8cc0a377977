import { type Static, Type } from '@sinclair/typebox';
import { DigestCredentialsSchema, SipHeadersSchema, SipUriSchema, StatusLabelSchema } from './common.js';

/** Which legs a SIPREC session records. */
export const RECORD_LEGS = ['a', 'b', 'both'] as const;

/**
 * `record`: arm SIPREC (RFC 7866) recording of the next answered connect; the
 * verb itself finishes at once (docs/contract.md §4.5).
 */
export const RecordVerbSchema = Type.Object(
  {
    verb: Type.Literal('record'),
    siprecServer: SipUriSchema,
    legs: Type.Optional(
      Type.Union(
        RECORD_LEGS.map((l) => Type.Literal(l)),
        { default: 'both', description: 'Legs to record' },
      ),
    ),
    codec: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
        description: 'Codec(s) of the recording stream; default PCMU',
      }),
    ),
    from: Type.Optional(Type.String({ minLength: 1, description: 'A user, a SIP URI or a name-addr' })),
    proxy: Type.Optional(SipUriSchema),
    auth: Type.Optional(DigestCredentialsSchema),
    headers: Type.Optional(SipHeadersSchema),
    metadata: Type.Optional(
      Type.Object(
        {
          callerName: Type.Optional(Type.String()),
          calleeName: Type.Optional(Type.String()),
          session: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: false, description: 'Fields of the rs-metadata XML (RFC 7865)' },
      ),
    ),
    requireSiprec: Type.Optional(
      Type.Boolean({ default: true, description: 'false sends Supported: siprec instead of Require: siprec' }),
    ),
    statusLabel: Type.Optional(StatusLabelSchema),
  },
  { additionalProperties: false, title: 'record', description: 'Arm SIPREC recording of the next connect' },
);
export type RecordVerb = Static<typeof RecordVerbSchema>;
