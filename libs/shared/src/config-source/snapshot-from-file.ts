import { ConfigFileSchema } from '../model/config-file.js';
import type { ConfigSnapshot } from '../model/config-snapshot.js';
import { compileValidator } from '../schema/validator.js';
import { formatIssues } from '../schema/validation-issue.js';
import { buildSnapshot, type RawDomain } from './build-snapshot.js';
import { PBX_ERR_CONFIG_INVALID } from './config-errors.js';
import { pointerToken } from './json-pointer.js';
import { parseConfigText } from './parse-config-text.js';

const validator = compileValidator(ConfigFileSchema);

/**
 * Turns the text of a `config.json` (docs/contract.md §2.1 layout) into a snapshot.
 * Throws `PBX_ERR_CONFIG_INVALID` naming `origin` and each bad JSON path.
 */
export function snapshotFromFile(text: string, origin: string): ConfigSnapshot {
  const value = parseConfigText(text, origin);
  const issues = validator.errors(value);
  if (issues.length > 0 || !validator.check(value)) {
    throw new PBX_ERR_CONFIG_INVALID(`${origin}: ${formatIssues(issues) || '/: invalid value'}`);
  }
  const raw: RawDomain[] = Object.entries(value.domains).map(([name, d]) => {
    const path = `/domains/${pointerToken(name)}`;
    return {
      name,
      id: d.domain_id,
      path,
      clients: (d.clients ?? []).map((entry, i) => ({ entry, path: `${path}/clients/${i}` })),
      trunks: (d.trunks ?? []).map((entry, i) => ({ entry, path: `${path}/trunks/${i}` })),
    };
  });
  return buildSnapshot('json', origin, raw);
}
