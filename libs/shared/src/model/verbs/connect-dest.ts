import { type Static, Type } from '@sinclair/typebox';
import { CodecNamesSchema, SipHeadersSchema, SipUriSchema } from './common.js';

// One schema per destination kind, discriminated by `type` (docs/contract.md §4.2).
// Fields that only make sense for one kind are rejected on the others, so a
// misspelt or misplaced field shows up as an error instead of being ignored.

const address = (description: string) => Type.String({ minLength: 1, description });
const timeout = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 3600, default: 30, description: 'Ring timeout of this leg, seconds' }),
);
const headers = Type.Optional(SipHeadersSchema);

/** Every registered contact of an extension in the caller's domain. */
export const ClientDestSchema = Type.Object(
  {
    type: Type.Literal('client'),
    address: address('Extension'),
    timeout,
    headers,
  },
  { additionalProperties: false, title: 'client destination' },
);
export type ClientDest = Static<typeof ClientDestSchema>;

/**
 * A number dialled through a trunk; the Request-URI is `sip:{address}@{outbound.host}`.
 * One of `trunk_id` / `trunk_name` is required; `trunk_id` wins when both are set.
 */
export const TrunkDestSchema = Type.Object(
  {
    type: Type.Literal('trunk'),
    address: address('Number to dial'),
    timeout,
    trunk_id: Type.Optional(Type.Integer({ description: 'Trunk id; takes priority over trunk_name' })),
    trunk_name: Type.Optional(Type.String({ minLength: 1, description: 'Trunk name or label' })),
    proxy: Type.Optional(SipUriSchema),
    headers,
  },
  {
    additionalProperties: false,
    title: 'trunk destination',
    // Published for schema consumers; validateCallScript checks the same rule itself.
    anyOf: [{ required: ['trunk_id'] }, { required: ['trunk_name'] }],
  },
);
export type TrunkDest = Static<typeof TrunkDestSchema>;

/** Any SIP URI, optionally through a proxy and with digest credentials. */
export const SipDestSchema = Type.Object(
  {
    type: Type.Literal('sip'),
    address: Type.String({ pattern: '^sips?:\\S+$', description: 'a full sip: or sips: URI' }),
    timeout,
    proxy: Type.Optional(SipUriSchema),
    username: Type.Optional(Type.String({ minLength: 1 })),
    password: Type.Optional(Type.String()),
    codecs: Type.Optional(CodecNamesSchema),
    headers,
  },
  { additionalProperties: false, title: 'sip destination' },
);
export type SipDest = Static<typeof SipDestSchema>;

/** One destination of a connect. */
export const ConnectDestSchema = Type.Union([ClientDestSchema, TrunkDestSchema, SipDestSchema]);
export type ConnectDest = Static<typeof ConnectDestSchema>;
