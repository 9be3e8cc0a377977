import { type Static, Type } from '@sinclair/typebox';
import { ClientConfigSchema } from './config-client.js';
import { TrunkConfigSchema } from './config-trunk.js';

/** One isolated tenant, keyed by the Request-URI host (docs/contract.md §2.1). */
export const DomainConfigSchema = Type.Object({
  /** FQDN or IP address, lower-cased (RFC 3261 §19.1.4: hosts compare case-insensitively). */
  name: Type.String({ minLength: 1 }),
  /** The numeric `domain_id`. */
  id: Type.Integer(),
  /** In configured order: the first matching username pattern wins. */
  clients: Type.Array(ClientConfigSchema),
  trunks: Type.Array(TrunkConfigSchema),
});
export type DomainConfig = Static<typeof DomainConfigSchema>;
