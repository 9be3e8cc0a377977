import type { ConfigLogger } from './config-logger.js';

/** What a config source is given rather than reaching for globals. */
export interface ConfigSourceDeps {
  /** Structured logger; a pino `Logger` fits. */
  readonly logger: ConfigLogger;
}
