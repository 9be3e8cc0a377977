import { type Static, Type } from '@sinclair/typebox';
import { ClientEntrySchema } from './config-client.js';
import { TrunkEntrySchema } from './config-trunk.js';

/** A domain in `config.json`: its FQDN is the key it sits under. */
export const ConfigFileDomainSchema = Type.Object({
  domain_id: Type.Integer(),
  clients: Type.Optional(Type.Array(ClientEntrySchema)),
  trunks: Type.Optional(Type.Array(TrunkEntrySchema)),
});

/**
 * The `DATA_SOURCE=json` file, same layout as the original's `config.json`
 * (docs/contract.md §2.1). The top-level `accounts` array and other keys are ignored.
 */
export const ConfigFileSchema = Type.Object({
  domains: Type.Record(Type.String({ minLength: 1 }), ConfigFileDomainSchema),
});
export type ConfigFile = Static<typeof ConfigFileSchema>;
