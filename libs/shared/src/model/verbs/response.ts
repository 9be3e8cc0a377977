import { type Static, Type } from '@sinclair/typebox';
import { SipHeadersSchema, StatusLabelSchema } from './common.js';

/**
 * `response`: send a final non-2xx SIP response and end the script (docs/contract.md
 * §4.3; docs/contract.md §6.5). 2xx is excluded because answering is `connect`/`announce`'s job.
 */
export const ResponseVerbSchema = Type.Object(
  {
    verb: Type.Literal('response'),
    code: Type.Integer({ minimum: 300, maximum: 699, description: 'SIP status code, 300-699' }),
    reason: Type.Optional(
      Type.String({ pattern: '^[^\\r\\n]*$', description: 'a reason phrase on one line (default: the standard phrase)' }),
    ),
    headers: Type.Optional(SipHeadersSchema),
    statusLabel: Type.Optional(StatusLabelSchema),
  },
  { additionalProperties: false, title: 'response', description: 'Send a final SIP response' },
);
export type ResponseVerb = Static<typeof ResponseVerbSchema>;
