import type { EnvContext } from './env-context.js';

/**
 * One environment variable of a service's schema: how it is parsed, its value
 * when unset, and the words the generated README table shows for it.
 */
export interface EnvVar<T> {
  /** Turns the raw (non-empty) string into the value; throws a TypeError saying what was expected. */
  readonly parse: (raw: string, ctx: EnvContext) => T;
  /** A value, or a function of the variables declared before this one and of the process. */
  readonly fallback: T | ((earlier: Readonly<Record<string, unknown>>, ctx: EnvContext) => T);
  /** What the variable means, one sentence (README table). */
  readonly doc: string;
  /**
   * The default as the README shows it.
   * @defaultValue the fallback value as JSON, or "unset" when it is `undefined`
   */
  readonly defaultDoc?: string;
  /** Older names still read when the variable itself is unset (documented as aliases). */
  readonly aliases?: readonly string[];
  /** Its value never appears in an error message or log. @defaultValue false */
  readonly secret?: boolean;
}

/** Variable name → definition, in dependency order (a default may read earlier ones). */
export type EnvSchema = Readonly<Record<string, EnvVar<unknown>>>;

/** The frozen values a schema yields. */
export type EnvOf<S extends EnvSchema> = { readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

/** Declares one variable. */
export function envVar<T>(
  parse: EnvVar<T>['parse'],
  fallback: EnvVar<T>['fallback'],
  doc: string,
  extra: Pick<EnvVar<T>, 'defaultDoc' | 'aliases' | 'secret'> = {},
): EnvVar<T> {
  return Object.freeze({ parse, fallback, doc, ...extra });
}
