import { type Static, Type } from '@sinclair/typebox';

// The dialplan a RegHook may return with a registration (reference §2.4): the
// same shape as a configured dialplan. Hook answers are external input, so the
// URL must be absolute (`http(s):` or a `file:` template).

const HookUrl = Type.String({ minLength: 1, format: 'uri', description: 'an absolute hook URL' });

/** Dialled-number pattern → CallHook URL, or `{callHook, statusHook?}`. */
export const HookDialplanSchema = Type.Record(
  Type.String({ minLength: 1 }),
  Type.Union([
    HookUrl,
    Type.Object({ callHook: HookUrl, statusHook: Type.Optional(HookUrl) }, { additionalProperties: false }),
  ]),
  { description: 'Dialled-number pattern to CallHook URL or {callHook, statusHook}' },
);
export type HookDialplan = Static<typeof HookDialplanSchema>;
