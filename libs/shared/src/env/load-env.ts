import type { Env } from './env.js';
import { PBX_ERR_ENV_INVALID } from './env-invalid-error.js';
import { type EnvContext, envSpec, processContext, SECRET_VARIABLES } from './env-spec.js';

/**
 * Parses and checks every Dragon PBX variable of `processEnv` once, and returns
 * them frozen. Call it at boot and pass the result down; never re-read
 * `process.env` later. Throws `PBX_ERR_ENV_INVALID` at the first bad variable.
 *
 * This is the whole product's variable set, so a bad variable of one service
 * fails it for all: a service starts through `runService` with its own schema
 * (`parseEnv` of the shared base plus its variables) instead. Kept for code that
 * has not moved yet (the call-router) and for tools.
 */
export function loadEnv(
  processEnv: NodeJS.ProcessEnv = process.env,
  context: EnvContext = processContext(),
): Env {
  const spec = envSpec(context);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const raw = processEnv[name];
    // `FOO=` in an env file or compose file means "not set", not "empty value".
    if (raw === undefined || raw.trim() === '') {
      const { fallback } = field;
      out[name] = typeof fallback === 'function' ? fallback(out as Partial<Env>) : fallback;
      continue;
    }
    try {
      out[name] = field.parse(raw);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new PBX_ERR_ENV_INVALID(name, SECRET_VARIABLES.has(name) ? 'bad value (not shown)' : why);
    }
  }
  const env = out as unknown as Env;
  if (env.REGISTRATION_MIN_SECS > env.REGISTRATION_MAX_SECS) {
    throw new PBX_ERR_ENV_INVALID(
      'REGISTRATION_MIN_SECS',
      `must not exceed REGISTRATION_MAX_SECS (${env.REGISTRATION_MIN_SECS} > ${env.REGISTRATION_MAX_SECS})`,
    );
  }
  return Object.freeze(env);
}

/**
 * {@link loadEnv} for a service's `main`: on a bad variable it prints the one-line
 * reason to stderr and exits with status 1 instead of dumping a stack trace.
 */
export function loadEnvOrExit(
  processEnv: NodeJS.ProcessEnv = process.env,
  exit: (code: number) => never = process.exit,
): Env {
  try {
    return loadEnv(processEnv);
  } catch (err) {
    if (!(err instanceof PBX_ERR_ENV_INVALID)) throw err;
    process.stderr.write(`${err.code}: ${err.message}\n`);
    return exit(1);
  }
}
