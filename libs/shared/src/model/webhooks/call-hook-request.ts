import { type Static, Type } from '@sinclair/typebox';
import { TrunkSourceSchema } from './trunk-source.js';

/**
 * Body of the CallHook POST (docs/contract.md §3.2, §5.2). The answer is a
 * CallScript (see `validateCallScript`). Extra properties may be added later.
 */
export const CallHookRequestSchema = Type.Object(
  {
    domain: Type.String({ description: 'SIP domain of the call' }),
    from: Type.String({ description: 'From-URI user (Referred-By user on a transfer)' }),
    to: Type.String({ description: 'Dialled number: To-URI user (Refer-To user on a transfer)' }),
    callId: Type.String({ description: "SIP Call-ID of the caller's leg" }),
    sourceAddress: Type.String({ description: 'Source IP of the request' }),
    headers: Type.Record(Type.String(), Type.String(), { description: 'SIP headers of the INVITE' }),
    source: Type.Union([Type.Literal('client'), TrunkSourceSchema], {
      description: '"client", or the trunk the call came from (without credentials)',
    }),
    refer: Type.Boolean({ description: 'True when fetching a script for a REFER transfer' }),
    count: Type.Integer({ minimum: 0, maximum: 3, description: 'Retry counter: 0 first, up to 3' }),
    trigger: Type.Optional(Type.Literal('updateLeg', { description: 'Set on REST update-leg fetches' })),
    leg: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')], { description: 'Leg of an update-leg fetch' })),
  },
  { title: 'CallHook request', description: 'Body POSTed to a CallHook; the answer is a CallScript' },
);
export type CallHookRequest = Static<typeof CallHookRequestSchema>;
