import { type Static, Type } from '@sinclair/typebox';
import { StatusLabelSchema } from './common.js';

/** Call states `pickup` may take over. */
export const PICKUP_STATES = ['any', 'ringing', 'connected'] as const;

/**
 * `pickup`: take over a call at another extension (docs/contract.md §4.6). `state`
 * defaults to `any` as the docs say (docs/contract.md §6.12).
 */
export const PickupVerbSchema = Type.Object(
  {
    verb: Type.Literal('pickup'),
    target: Type.Union(
      [Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 100 })],
      { description: 'Extension(s); the first with a matching call wins' },
    ),
    state: Type.Optional(
      Type.Union(
        PICKUP_STATES.map((s) => Type.Literal(s)),
        { default: 'any' },
      ),
    ),
    statusLabel: Type.Optional(StatusLabelSchema),
  },
  { additionalProperties: false, title: 'pickup', description: 'Pick up a call ringing or connected elsewhere' },
);
export type PickupVerb = Static<typeof PickupVerbSchema>;
