import { type Static, Type } from '@sinclair/typebox';
import { StatusLabelSchema } from './common.js';

/** `pause`: wait, sending no SIP and playing no media (docs/contract.md §4.4). */
export const PauseVerbSchema = Type.Object(
  {
    verb: Type.Literal('pause'),
    duration: Type.Number({ minimum: 0, maximum: 86_400, description: 'Seconds to wait' }),
    statusLabel: Type.Optional(StatusLabelSchema),
  },
  { additionalProperties: false, title: 'pause', description: 'Wait before the next verb' },
);
export type PauseVerb = Static<typeof PauseVerbSchema>;
