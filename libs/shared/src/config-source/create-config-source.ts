import { ApiConfigSource } from './api-config-source.js';
import type { ConfigSource } from './config-source.js';
import type { ConfigSourceDeps } from './config-source-deps.js';
import { type ConfigSourceEnv, readConfigSourceEnv } from './config-source-env.js';
import { JsonConfigSource } from './json-config-source.js';
import { PgConfigSource } from './pg-config-source.js';

/**
 * Builds the backend `DATA_SOURCE` names (not started). Throws
 * `PBX_ERR_CONFIG_OPTIONS` when the environment is invalid.
 *
 * @example
 * const config = createConfigSource(process.env, { logger });
 * await config.start();
 * config.on('change', (snapshot) => logger.info({ version: snapshot.version }, 'config changed'));
 */
export function createConfigSource(env: ConfigSourceEnv, deps: ConfigSourceDeps & { readonly cwd?: string }): ConfigSource {
  const selection = readConfigSourceEnv(env, deps.cwd);
  switch (selection.kind) {
    case 'json':
      return new JsonConfigSource(selection.options, deps);
    case 'api':
      return new ApiConfigSource(selection.options, deps);
    case 'pg':
      return new PgConfigSource(selection.options, deps);
  }
}
