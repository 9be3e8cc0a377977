// @dragonpbx/shared/config: the configuration sources (DATA_SOURCE json, api or pg) and the
// in-memory index they serve lookups from. The api backend loads got and the pg backend loads pg
// only when started, so a json-backed service loads neither.
// One export line per module, sorted by path.
export { ApiConfigSourceOptionsSchema, type ApiConfigSourceInput, type ApiConfigSourceOptions } from './config-source/api-config-source-options.js';
export { ApiConfigSource } from './config-source/api-config-source.js';
export { PBX_ERR_CONFIG_DB, PBX_ERR_CONFIG_FETCH, PBX_ERR_CONFIG_INVALID, PBX_ERR_CONFIG_NOT_LOADED, PBX_ERR_CONFIG_OPTIONS, PBX_ERR_CONFIG_READ } from './config-source/config-errors.js';
export { ConfigIndex } from './config-source/config-index.js';
export type { ConfigLogger } from './config-source/config-logger.js';
export type { ConfigSourceDeps } from './config-source/config-source-deps.js';
export { DEFAULT_CONFIG_FILE, DEFAULT_DATA_SOURCE, readConfigSourceEnv, type ConfigSourceEnv, type ConfigSourceSelection } from './config-source/config-source-env.js';
export type { ConfigSource, ConfigSourceEvents, ConfigSourceListener } from './config-source/config-source.js';
export { createConfigSource } from './config-source/create-config-source.js';
export { JsonConfigSourceOptionsSchema, type JsonConfigSourceInput, type JsonConfigSourceOptions } from './config-source/json-config-source-options.js';
export { JsonConfigSource } from './config-source/json-config-source.js';
export { PG_CONFIG_CHANNEL, PgConfigSourceOptionsSchema, type PgConfigSourceInput, type PgConfigSourceOptions } from './config-source/pg-config-source-options.js';
export { PgConfigSource } from './config-source/pg-config-source.js';
export { MIGRATIONS_DIR, runMigrations } from './config-source/pg-migrations.js';
export { snapshotFromFeed } from './config-source/snapshot-from-feed.js';
export { snapshotFromFile } from './config-source/snapshot-from-file.js';
