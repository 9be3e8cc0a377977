import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { compileValidator } from '../schema/validator.js';
import { PBX_ERR_CONFIG_OPTIONS } from './config-errors.js';

/**
 * Applies the schema's defaults, validates once and freezes (STYLE habit 2).
 * Throws `PBX_ERR_CONFIG_OPTIONS` naming each bad option.
 */
export function resolveOptions<T extends TSchema>(schema: T, input: unknown, name: string): Readonly<Static<T>> {
  const withDefaults = Value.Default(schema, structuredClone(input ?? {}));
  const parsed = compileValidator(schema, { error: PBX_ERR_CONFIG_OPTIONS, name }).parse(withDefaults);
  return Object.freeze(parsed);
}
