import { type Static, Type } from '@sinclair/typebox';
import { CodecListSchema, Nullable } from './config-client.js';
import { DialplanSchema } from './config-dialplan.js';

/** Outbound registration of a trunk (docs/contract.md §2.3). */
export const TrunkRegisterSchema = Type.Object({
  /** Registrar, `host` or `host:port`; the REGISTER goes to `sip:{host}`. */
  host: Type.String({ minLength: 1 }),
  username: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
  /** Requested expiry in seconds; unset means `REGTRUNKEXPIRES`. */
  expires: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type TrunkRegister = Static<typeof TrunkRegisterSchema>;

/** Where outbound calls go and the digest credentials the provider may ask for. */
export const TrunkOutboundSchema = Type.Object({
  host: Type.Optional(Type.String({ minLength: 1 })),
  username: Type.Optional(Type.String({ minLength: 1 })),
  password: Type.Optional(Type.String({ minLength: 1 })),
});
export type TrunkOutbound = Static<typeof TrunkOutboundSchema>;

/**
 * A trunk as written in `config.json` or served by the api feed (docs/contract.md
 * §2.3). The feed's `authType:"registration"` + `regHost/regUser/regPass` and
 * the file's `register` object describe the same thing.
 */
export const TrunkEntrySchema = Type.Object({
  id: Type.Integer(),
  name: Type.Optional(Nullable(Type.String())),
  label: Type.Optional(Nullable(Type.String())),
  /** CIDRs (`1.2.3.0/24`, `2001:db8::/32`) or bare addresses. */
  inbound: Type.Optional(Nullable(Type.Array(Type.String()))),
  outbound: Type.Optional(
    Nullable(
      Type.Object({
        host: Type.Optional(Nullable(Type.String())),
        username: Type.Optional(Nullable(Type.String())),
        password: Type.Optional(Nullable(Type.String())),
      }),
    ),
  ),
  dialplan: Type.Optional(Nullable(DialplanSchema)),
  codecs: Type.Optional(Nullable(CodecListSchema)),
  authType: Type.Optional(Nullable(Type.String())),
  authUser: Type.Optional(Nullable(Type.String())),
  authPass: Type.Optional(Nullable(Type.String())),
  regHost: Type.Optional(Nullable(Type.String())),
  regUser: Type.Optional(Nullable(Type.String())),
  regPass: Type.Optional(Nullable(Type.String())),
  register: Type.Optional(Nullable(TrunkRegisterSchema)),
  options_ping: Type.Optional(Nullable(Type.Boolean())),
});
export type TrunkEntry = Static<typeof TrunkEntrySchema>;

/**
 * A trunk after normalisation. It accepts digest-authenticated inbound calls
 * iff `authUser` and `authPass` are set, and keeps a registration up iff
 * `register` is set.
 */
export const TrunkConfigSchema = Type.Object({
  id: Type.Integer(),
  name: Type.Optional(Type.String({ minLength: 1 })),
  label: Type.Optional(Type.String({ minLength: 1 })),
  /** CIDRs as configured (trimmed); a bare address is a host route. */
  inbound: Type.Array(Type.String()),
  outbound: Type.Optional(TrunkOutboundSchema),
  dialplan: Type.Optional(DialplanSchema),
  codecs: Type.Optional(CodecListSchema),
  authType: Type.Optional(Type.String()),
  authUser: Type.Optional(Type.String({ minLength: 1 })),
  authPass: Type.Optional(Type.String({ minLength: 1 })),
  register: Type.Optional(TrunkRegisterSchema),
  /**
   * Send SIP OPTIONS keepalives to `outbound.host`.
   * @defaultValue true
   */
  options_ping: Type.Boolean(),
});
export type TrunkConfig = Static<typeof TrunkConfigSchema>;
