import { createHash } from 'node:crypto';
import type { ClientConfig, ClientEntry } from '../model/config-client.js';
import type { DomainConfig } from '../model/config-domain.js';
import type { ConfigSnapshot, ConfigSourceKind } from '../model/config-snapshot.js';
import type { TrunkConfig, TrunkEntry } from '../model/config-trunk.js';
import { formatIssues, type ValidationIssue } from '../schema/validation-issue.js';
import { PBX_ERR_CONFIG_INVALID } from './config-errors.js';
import { normaliseClient, normaliseTrunk } from './normalise-entries.js';

/** An entry with the JSON pointer that names it in error messages. */
export interface Located<T> {
  readonly entry: T;
  readonly path: string;
}

/** One domain as read from a backend, schema-valid but not yet normalised. */
export interface RawDomain {
  readonly name: string;
  readonly id: number;
  readonly path: string;
  readonly clients: readonly Located<ClientEntry>[];
  readonly trunks: readonly Located<TrunkEntry>[];
}

/** Hostname, IPv4 or IPv6 literal; no ports, users or paths. */
const DOMAIN_NAME = /^(\[[0-9a-f:.]+\]|[a-z0-9_:.-]+)$/;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function duplicates<T>(items: readonly T[], key: (t: T) => unknown, report: (t: T) => void): void {
  const seen = new Set<unknown>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) report(item);
    seen.add(k);
  }
}

/**
 * Normalises and checks every domain, then returns a frozen snapshot.
 * Throws `PBX_ERR_CONFIG_INVALID` listing every problem, prefixed with `origin`
 * (the file name, feed URL or database) so an operator knows where to look.
 */
export function buildSnapshot(source: ConfigSourceKind, origin: string, raw: readonly RawDomain[]): ConfigSnapshot {
  const issues: ValidationIssue[] = [];
  // No prototype: a domain named `__proto__` must stay data.
  const domains: Record<string, DomainConfig> = Object.create(null);
  duplicates(raw, (d) => d.id, (d) => issues.push({ path: d.path, message: `duplicate domain id ${d.id}` }));
  for (const d of raw) {
    const name = d.name.trim().toLowerCase();
    if (!DOMAIN_NAME.test(name)) issues.push({ path: d.path, message: `invalid domain name "${d.name}"` });
    if (Object.hasOwn(domains, name)) issues.push({ path: d.path, message: `duplicate domain "${name}"` });
    duplicates(d.clients, (c) => c.entry.id, (c) => issues.push({ path: `${c.path}/id`, message: `duplicate client id ${c.entry.id}` }));
    duplicates(d.trunks, (t) => t.entry.id, (t) => issues.push({ path: `${t.path}/id`, message: `duplicate trunk id ${t.entry.id}` }));
    const clients: ClientConfig[] = d.clients.map((c) => normaliseClient(c.entry, c.path, issues));
    const trunks: TrunkConfig[] = d.trunks.map((t) => normaliseTrunk(t.entry, t.path, issues));
    domains[name] = { name, id: d.id, clients, trunks };
  }
  if (issues.length > 0) throw new PBX_ERR_CONFIG_INVALID(`${origin}: ${formatIssues(issues)}`);
  const version = createHash('sha256').update(JSON.stringify(domains)).digest('hex').slice(0, 16);
  return deepFreeze({ domains, version, source, loadedAt: new Date().toISOString() });
}
