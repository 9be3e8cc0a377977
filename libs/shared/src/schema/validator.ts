import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { PbxErrorClass } from '../errors/create-error.js';
import { describeErrors } from './describe-errors.js';
import { registerFormats } from './formats.js';
import { PBX_ERR_VALIDATION } from './validation-error.js';
import { formatIssues, type ValidationIssue } from './validation-issue.js';

/** A schema compiled once, used many times. */
export interface Validator<T> {
  /** The JSON Schema this validator checks against. */
  readonly schema: TSchema;
  /** True when `value` matches; narrows its type. */
  check(value: unknown): value is T;
  /** Returns `value` typed, or throws the configured error naming every bad path. */
  parse(value: unknown): T;
  /** Every issue with `value` (empty when it matches), one per JSON path. */
  errors(value: unknown): ValidationIssue[];
}

/** Options of {@link compileValidator}. */
export interface ValidatorOptions {
  /**
   * Error thrown by `parse`; its single argument is the rendered issue list.
   * @defaultValue `PBX_ERR_VALIDATION`
   */
  readonly error?: PbxErrorClass<[string]>;
  /**
   * Prefix of the error message naming what was validated, e.g. `CallScript`.
   * @defaultValue none
   */
  readonly name?: string;
}

/**
 * Compiles a TypeBox schema into a validator. `parse` throws a `PbxError`
 * (`PBX_ERR_VALIDATION` unless `options.error` says otherwise) whose message
 * names each offending JSON path, e.g. `/2/dest/0/type: expected one of client, trunk, sip`.
 */
export function compileValidator<T extends TSchema>(
  schema: T,
  options: ValidatorOptions = {},
): Validator<Static<T>> {
  registerFormats();
  const compiled = TypeCompiler.Compile(schema);
  const ErrorClass = options.error ?? PBX_ERR_VALIDATION;
  const prefix = options.name ? `${options.name}: ` : '';
  const errors = (value: unknown): ValidationIssue[] =>
    compiled.Check(value) ? [] : describeErrors(schema, value);
  return Object.freeze({
    schema,
    check: (value: unknown): value is Static<T> => compiled.Check(value),
    parse(value: unknown): Static<T> {
      if (compiled.Check(value)) return value;
      const issues = describeErrors(schema, value);
      // A union may resolve to no specific issue; still say where it failed.
      const text = issues.length > 0 ? formatIssues(issues) : '/: invalid value';
      throw new ErrorClass(prefix + text);
    },
    errors,
  });
}
