import type { DomainConfig } from './config-domain.js';

/** Which backend produced a snapshot (`DATA_SOURCE`). */
export type ConfigSourceKind = 'json' | 'api' | 'pg';

/**
 * The whole configuration at one moment, whatever backend it came from.
 * Deep-frozen: a reload builds a new snapshot, it never edits one.
 */
export interface ConfigSnapshot {
  /** Domains keyed by lower-cased name. */
  readonly domains: Readonly<Record<string, DomainConfig>>;
  /** Content hash; equal versions mean equal configuration. */
  readonly version: string;
  readonly source: ConfigSourceKind;
  /** ISO 8601 time the snapshot was built. */
  readonly loadedAt: string;
}
