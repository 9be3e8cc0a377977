import { type Static, Type } from '@sinclair/typebox';

/**
 * Body of the RegHook POST (docs/contract.md §3.1): the client's RFC 7616 digest
 * fields for the hook to verify, plus where the request came from. Extra
 * properties may be added in later versions, so consumers should ignore them.
 */
export const RegHookRequestSchema = Type.Object(
  {
    username: Type.String({ description: 'Digest username from the Authorization header' }),
    realm: Type.String({ description: 'Digest realm: the SIP domain' }),
    nonce: Type.String(),
    uri: Type.String({ description: 'Digest uri parameter' }),
    response: Type.String({ description: 'Digest response hash sent by the client' }),
    method: Type.Union([Type.Literal('REGISTER'), Type.Literal('INVITE')], {
      description: 'SIP method being authenticated',
    }),
    source_address: Type.String({ description: 'Source IP of the request' }),
    source_port: Type.Integer({ minimum: 0, maximum: 65535 }),
    expires: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Requested expiry in seconds; null on INVITE',
    }),
    scheme: Type.Literal('digest'),
    algorithm: Type.String({ default: 'MD5', description: 'MD5, SHA-256, …' }),
    qop: Type.Optional(Type.String()),
    nc: Type.Optional(Type.String()),
    cnonce: Type.Optional(Type.String()),
    opaque: Type.Optional(Type.String()),
  },
  { title: 'RegHook request', description: 'Body POSTed to a RegHook' },
);
export type RegHookRequest = Static<typeof RegHookRequestSchema>;
