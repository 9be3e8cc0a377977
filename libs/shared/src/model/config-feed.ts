import { type Static, Type } from '@sinclair/typebox';
import { ClientEntrySchema } from './config-client.js';
import { TrunkEntrySchema } from './config-trunk.js';

/** A domain in the api feed: an array element naming its FQDN in `domain`. */
export const ConfigFeedDomainSchema = Type.Object({
  id: Type.Integer(),
  domain: Type.String({ minLength: 1 }),
  clients: Type.Optional(Type.Array(ClientEntrySchema)),
  trunks: Type.Optional(Type.Array(TrunkEntrySchema)),
});

/**
 * The `DATA_SOURCE=api` response (docs/contract.md §2.5). Extra keys the admin UI
 * adds (`count`, `clientCount`, `users`, timestamps, …) are ignored.
 */
export const ConfigFeedSchema = Type.Object({
  domains: Type.Array(ConfigFeedDomainSchema),
});
export type ConfigFeed = Static<typeof ConfigFeedSchema>;
