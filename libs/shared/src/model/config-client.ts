import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DialplanSchema, HookUrlSchema } from './config-dialplan.js';

/** `T`, or `null` — the api feed sends `null` for unset fields. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Codec names in preference order; `DIRECT` anywhere means no media anchoring. */
export const CodecListSchema = Type.Array(Type.String({ minLength: 1 }), { description: 'Codec names' });

/**
 * A client as written in `config.json` or served by the api feed
 * (docs/contract.md §2.2). Unknown keys are ignored; `null` means "not set".
 */
export const ClientEntrySchema = Type.Object({
  id: Type.Integer(),
  /** Glob over the registering username: `?` one character, `*` any run. */
  username: Type.String({ minLength: 1 }),
  reghook: Type.Optional(Nullable(HookUrlSchema)),
  password: Type.Optional(Nullable(Type.String())),
  dialplan: Type.Optional(Nullable(DialplanSchema)),
  codecs: Type.Optional(Nullable(CodecListSchema)),
  expires: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  label: Type.Optional(Nullable(Type.String())),
  authType: Type.Optional(Nullable(Type.String())),
  maxClients: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
});
export type ClientEntry = Static<typeof ClientEntrySchema>;

/**
 * A client after normalisation: `null`s and empty strings dropped, defaults
 * applied. It uses the RegHook iff `reghook` is set, else `password` is its
 * credential and `dialplan`/`codecs` are static.
 */
export const ClientConfigSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String({ minLength: 1 }),
  reghook: Type.Optional(HookUrlSchema),
  password: Type.Optional(Type.String({ minLength: 1 })),
  dialplan: Type.Optional(DialplanSchema),
  codecs: Type.Optional(CodecListSchema),
  expires: Type.Optional(Type.Integer({ minimum: 0 })),
  label: Type.Optional(Type.String()),
  /** `standard` (password) or `reghook`; informational, `reghook` presence decides. */
  authType: Type.Optional(Type.String()),
  /**
   * Simultaneous registrations allowed.
   * @defaultValue 1
   */
  maxClients: Type.Integer({ minimum: 1 }),
});
export type ClientConfig = Static<typeof ClientConfigSchema>;
