import { type Static, Type } from '@sinclair/typebox';

/**
 * A hook URL as configured: `http(s)://…` or a `file:` CallHook template
 * (docs/contract.md §3.4). Any absolute URI is accepted here; what a scheme means is
 * decided by the code that calls it.
 */
export const HookUrlSchema = Type.String({ minLength: 1, format: 'uri', description: 'Absolute URL of a hook' });

/** The object form of a dialplan target: the only way to enable a StatusHook (docs/contract.md §2.4). */
export const DialplanHooksSchema = Type.Object(
  {
    callHook: HookUrlSchema,
    statusHook: Type.Optional(HookUrlSchema),
  },
  { description: 'CallHook plus optional StatusHook' },
);
export type DialplanHooks = Static<typeof DialplanHooksSchema>;

/**
 * A dialplan value: a CallHook URL, or `{callHook, statusHook}`. Its type is
 * `DialplanValue` of the dialplan matcher.
 */
export const DialplanValueSchema = Type.Union([HookUrlSchema, DialplanHooksSchema]);

/**
 * Dialled-number pattern → target. Keys are globs (`?`, `*`, `{a,b}`); the
 * precedence rule lives with the dialplan matcher (docs/contract.md §2.4).
 */
export const DialplanSchema = Type.Record(Type.String({ minLength: 1 }), DialplanValueSchema, {
  description: 'Dialled-number pattern to CallHook',
});
export type Dialplan = Static<typeof DialplanSchema>;
