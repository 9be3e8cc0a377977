import { ConfigFeedSchema } from '../model/config-feed.js';
import type { ConfigSnapshot } from '../model/config-snapshot.js';
import { compileValidator } from '../schema/validator.js';
import { formatIssues } from '../schema/validation-issue.js';
import { buildSnapshot, type RawDomain } from './build-snapshot.js';
import { PBX_ERR_CONFIG_INVALID } from './config-errors.js';
import { parseConfigText } from './parse-config-text.js';

const validator = compileValidator(ConfigFeedSchema);

/**
 * Turns an api feed body (`{"domains":[{id, domain, clients, trunks}]}`,
 * docs/contract.md §2.5) into a snapshot. Throws `PBX_ERR_CONFIG_INVALID` naming
 * `origin` and each bad JSON path.
 */
export function snapshotFromFeed(text: string, origin: string): ConfigSnapshot {
  const value = parseConfigText(text, origin);
  const issues = validator.errors(value);
  if (issues.length > 0 || !validator.check(value)) {
    throw new PBX_ERR_CONFIG_INVALID(`${origin}: ${formatIssues(issues) || '/: invalid value'}`);
  }
  const raw: RawDomain[] = value.domains.map((d, n) => {
    const path = `/domains/${n}`;
    return {
      name: d.domain,
      id: d.id,
      path,
      clients: (d.clients ?? []).map((entry, i) => ({ entry, path: `${path}/clients/${i}` })),
      trunks: (d.trunks ?? []).map((entry, i) => ({ entry, path: `${path}/trunks/${i}` })),
    };
  });
  return buildSnapshot('api', origin, raw);
}
