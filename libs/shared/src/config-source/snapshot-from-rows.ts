import { type ClientEntry, ClientEntrySchema } from '../model/config-client.js';
import type { ConfigSnapshot } from '../model/config-snapshot.js';
import { type TrunkEntry, TrunkEntrySchema } from '../model/config-trunk.js';
import { compileValidator } from '../schema/validator.js';
import { formatIssues, type ValidationIssue } from '../schema/validation-issue.js';
import { buildSnapshot, type Located, type RawDomain } from './build-snapshot.js';
import { PBX_ERR_CONFIG_INVALID } from './config-errors.js';
import { type ClientRow, clientRowToEntry, type DomainRow, type TrunkRow, trunkRowToEntry } from './pg-rows.js';

const clientValidator = compileValidator(ClientEntrySchema);
const trunkValidator = compileValidator(TrunkEntrySchema);

/**
 * Turns the pg backend's rows into a snapshot. Paths in errors are
 * `/<table>/<row id>/<field>`, e.g. `/trunks/7/inbound/0: invalid CIDR "300.1.1.1/8"`.
 */
export function snapshotFromRows(
  origin: string,
  domains: readonly DomainRow[],
  clients: readonly ClientRow[],
  trunks: readonly TrunkRow[],
): ConfigSnapshot {
  const issues: ValidationIssue[] = [];
  const byDomain = new Map<number, { clients: Located<ClientEntry>[]; trunks: Located<TrunkEntry>[] }>();
  for (const d of domains) byDomain.set(d.id, { clients: [], trunks: [] });
  for (const row of clients) {
    const path = `/clients/${row.id}`;
    const entry = clientRowToEntry(row);
    const errs = clientValidator.errors(entry);
    if (errs.length > 0) issues.push(...errs.map((e) => ({ path: path + e.path, message: e.message })));
    else byDomain.get(row.domain_id)?.clients.push({ entry, path });
  }
  for (const row of trunks) {
    const path = `/trunks/${row.id}`;
    const entry = trunkRowToEntry(row);
    const errs = trunkValidator.errors(entry);
    if (errs.length > 0) issues.push(...errs.map((e) => ({ path: path + e.path, message: e.message })));
    else byDomain.get(row.domain_id)?.trunks.push({ entry, path });
  }
  if (issues.length > 0) throw new PBX_ERR_CONFIG_INVALID(`${origin}: ${formatIssues(issues)}`);
  const raw: RawDomain[] = domains.map((d) => ({
    name: d.domain,
    id: d.id,
    path: `/domains/${d.id}`,
    clients: byDomain.get(d.id)?.clients ?? [],
    trunks: byDomain.get(d.id)?.trunks ?? [],
  }));
  return buildSnapshot('pg', origin, raw);
}
