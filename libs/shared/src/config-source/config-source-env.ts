import { resolve } from 'node:path';
import type { ApiConfigSourceInput } from './api-config-source-options.js';
import { PBX_ERR_CONFIG_OPTIONS } from './config-errors.js';
import type { JsonConfigSourceInput } from './json-config-source-options.js';
import type { PgConfigSourceInput } from './pg-config-source-options.js';

/**
 * The variables a config source reads. Both `process.env` (strings) and the
 * variables parsed by `CONFIG_SOURCE_ENV` (numbers already parsed) fit.
 */
export interface ConfigSourceEnv {
  readonly DATA_SOURCE?: string | undefined;
  readonly CONFIG_FILE?: string | undefined;
  readonly CONFIG_URL?: string | undefined;
  readonly CONFIG_TOKEN?: string | undefined;
  readonly CONFIG_TTL?: string | number | undefined;
  readonly DB_HOST?: string | undefined;
  readonly DB_PORT?: string | number | undefined;
  readonly DB_USER?: string | undefined;
  readonly DB_PASSWORD?: string | undefined;
  readonly DB_NAME?: string | undefined;
  /** Schema of the pg backend's tables; lets tests and tenants share a database. */
  readonly DB_SCHEMA?: string | undefined;
}

/** Backend choice and its options, read from the environment. */
export type ConfigSourceSelection =
  | { readonly kind: 'json'; readonly options: JsonConfigSourceInput }
  | { readonly kind: 'api'; readonly options: ApiConfigSourceInput }
  | { readonly kind: 'pg'; readonly options: PgConfigSourceInput };

/**
 * `DATA_SOURCE` default. The original defaults to `api`, which needs an admin
 * UI server; like `CONFIG_SOURCE_ENV`, we default to `json`, which runs out of the box.
 * @defaultValue `json`
 */
export const DEFAULT_DATA_SOURCE = 'json';
/**
 * `CONFIG_FILE` default, resolved against the working directory.
 * @defaultValue `config/config.json`
 */
export const DEFAULT_CONFIG_FILE = 'config/config.json';

function text(env: ConfigSourceEnv, name: keyof ConfigSourceEnv): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const v = String(raw).trim();
  return v === '' ? undefined : v;
}

function number(env: ConfigSourceEnv, name: keyof ConfigSourceEnv): number | undefined {
  const v = text(env, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new PBX_ERR_CONFIG_OPTIONS(`${name} must be a number, got "${v}"`);
  return n;
}

/** Drops unset keys so option defaults apply. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Reads `DATA_SOURCE` and the variables of the chosen backend: `CONFIG_FILE`;
 * `CONFIG_URL`, `CONFIG_TOKEN`, `CONFIG_TTL`; `DB_HOST`, `DB_PORT`, `DB_USER`,
 * `DB_PASSWORD`, `DB_NAME`, `DB_SCHEMA`. Ranges are checked by the backend's
 * options schema; this only throws `PBX_ERR_CONFIG_OPTIONS` for an unknown
 * backend or a non-numeric number.
 */
export function readConfigSourceEnv(env: ConfigSourceEnv, cwd = process.cwd()): ConfigSourceSelection {
  const kind = (text(env, 'DATA_SOURCE') ?? DEFAULT_DATA_SOURCE).toLowerCase();
  switch (kind) {
    case 'json':
      return { kind, options: { file: resolve(cwd, text(env, 'CONFIG_FILE') ?? DEFAULT_CONFIG_FILE) } };
    case 'api':
      return {
        kind,
        options: defined({ url: text(env, 'CONFIG_URL'), token: text(env, 'CONFIG_TOKEN'), ttlSeconds: number(env, 'CONFIG_TTL') }),
      };
    case 'pg':
      return {
        kind,
        options: defined({
          host: text(env, 'DB_HOST'),
          port: number(env, 'DB_PORT'),
          user: text(env, 'DB_USER'),
          password: env.DB_PASSWORD === '' ? undefined : env.DB_PASSWORD,
          database: text(env, 'DB_NAME'),
          schema: text(env, 'DB_SCHEMA'),
        }),
      };
    default:
      throw new PBX_ERR_CONFIG_OPTIONS(`DATA_SOURCE must be json, api or pg, got "${kind}"`);
  }
}
