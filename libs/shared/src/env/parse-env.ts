import { PBX_ERR_ENV_INVALID } from './env-invalid-error.js';
import { type EnvContext, processContext } from './env-context.js';
import type { EnvOf, EnvSchema } from './env-var.js';

/** The set name of a variable: itself, else the first alias that is set. `FOO=` counts as unset. */
function rawValue(
  processEnv: Readonly<Record<string, string | undefined>>,
  name: string,
  aliases: readonly string[],
): { name: string; raw: string } | undefined {
  for (const n of [name, ...aliases]) {
    const raw = processEnv[n];
    if (raw !== undefined && raw.trim() !== '') return { name: n, raw };
  }
  return undefined;
}

/**
 * Parses the variables of one schema (and only those: a bad variable of
 * another service is not read, so it cannot stop this one) and returns them
 * frozen. Throws `PBX_ERR_ENV_INVALID` naming the first bad variable, by the
 * name the operator set (an alias when that is what was set).
 */
export function parseEnv<S extends EnvSchema>(
  schema: S,
  processEnv: Readonly<Record<string, string | undefined>> = process.env,
  ctx: EnvContext = processContext(),
): EnvOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    const set = rawValue(processEnv, name, field.aliases ?? []);
    if (set === undefined) {
      const { fallback } = field;
      out[name] = typeof fallback === 'function' ? fallback(out, ctx) : fallback;
      continue;
    }
    try {
      out[name] = field.parse(set.raw, ctx);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const secret = field.secret === true;
      throw new PBX_ERR_ENV_INVALID(set.name, secret ? 'bad value (not shown)' : why);
    }
  }
  return Object.freeze(out) as EnvOf<S>;
}
