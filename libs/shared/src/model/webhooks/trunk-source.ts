import { type Static, Type } from '@sinclair/typebox';
import { DialplanSchema } from '../config-dialplan.js';

/**
 * The trunk a call came from, as sent in a CallHook body. The original sent
 * the whole trunk entry, passwords included (docs/contract.md §6.10); here every
 * credential field is left out, and `additionalProperties: false` makes the
 * schema itself reject one that slips in (docs/contract.md §6.10).
 */
export const TrunkSourceSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    inbound: Type.Optional(Type.Array(Type.String(), { description: 'Source CIDRs the trunk is matched by' })),
    outbound: Type.Optional(Type.Object({ host: Type.Optional(Type.String()) }, { additionalProperties: false })),
    dialplan: Type.Optional(DialplanSchema),
    codecs: Type.Optional(Type.Array(Type.String(), { description: 'Codec names' })),
    authType: Type.Optional(Type.String()),
    register: Type.Optional(
      Type.Object(
        { host: Type.String(), expires: Type.Optional(Type.Integer({ minimum: 1 })) },
        { additionalProperties: false },
      ),
    ),
    options_ping: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'trunk source', description: 'A trunk without its credentials' },
);
export type TrunkSource = Static<typeof TrunkSourceSchema>;
