import { createError } from '../errors/create-error.js';

/**
 * Configuration content is unusable: not JSON, not the schema, or a value that
 * does not make sense (bad CIDR, bad pattern, duplicate id). The message names
 * the origin and each offending JSON pointer, e.g.
 * `config.json: /domains/pbx.example.com/trunks/0/inbound/1: invalid CIDR "1.2.3/8"`.
 */
export const PBX_ERR_CONFIG_INVALID = createError<[string]>('PBX_ERR_CONFIG_INVALID', '%s', 400);

/** The config file could not be read (missing, unreadable). */
export const PBX_ERR_CONFIG_READ = createError<[file: string, why: string]>(
  'PBX_ERR_CONFIG_READ',
  'cannot read config file %s: %s',
  500,
);

/** The api feed could not be fetched: network error, timeout or HTTP error status. */
export const PBX_ERR_CONFIG_FETCH = createError<[url: string, why: string]>(
  'PBX_ERR_CONFIG_FETCH',
  'config feed %s: %s',
  502,
);

/** The pg backend failed to talk to PostgreSQL (connect, migrate, query). */
export const PBX_ERR_CONFIG_DB = createError<[why: string]>('PBX_ERR_CONFIG_DB', 'config database: %s', 500);

/** Options or env of a config source are invalid (e.g. unknown `DATA_SOURCE`). */
export const PBX_ERR_CONFIG_OPTIONS = createError<[string]>('PBX_ERR_CONFIG_OPTIONS', 'config source options: %s', 500);

/** A lookup ran before `start()` loaded a configuration. */
export const PBX_ERR_CONFIG_NOT_LOADED = createError<[kind: string]>(
  'PBX_ERR_CONFIG_NOT_LOADED',
  'config source %s has no configuration loaded; call start() first',
  500,
);
