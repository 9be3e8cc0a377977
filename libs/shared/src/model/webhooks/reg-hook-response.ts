import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from '../../schema/validator.js';
import { DialplanSchema } from '../config-dialplan.js';
import { CodecNamesSchema } from '../verbs/common.js';
import { PBX_ERR_HOOK_RESPONSE_INVALID } from './hook-response-invalid-error.js';

/**
 * JSON body of a RegHook's HTTP 200 answer (docs/contract.md §3.1). Only `status` is
 * required: a rejection need carry nothing else. Unknown keys are ignored, as
 * the original did, so existing hook apps keep working.
 */
export const RegHookResponseSchema = Type.Object(
  {
    status: Type.String({ description: '"ok" (any case) accepts; anything else rejects with 403' }),
    expires: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Granted expiry, clamped to REGISTRATION_MIN/MAX_SECS' }),
    ),
    dialplan: Type.Optional(DialplanSchema),
    codecs: Type.Optional(CodecNamesSchema),
    maxClients: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'Simultaneous contacts; oldest evicted' }),
    ),
    blacklist: Type.Optional(
      Type.Boolean({ description: 'On a rejection, report the source as a potential spammer' }),
    ),
  },
  { title: 'RegHook response', description: 'JSON a RegHook answers with' },
);
export type RegHookResponse = Static<typeof RegHookResponseSchema>;

const validator = compileValidator(RegHookResponseSchema, {
  error: PBX_ERR_HOOK_RESPONSE_INVALID,
  name: 'RegHook response',
});

/** Returns the body typed, or throws `PBX_ERR_HOOK_RESPONSE_INVALID` naming each bad path. */
export function parseRegHookResponse(body: unknown): RegHookResponse {
  return validator.parse(body);
}

/** True when the hook accepted the client: `status` is `ok` in any case. */
export function isRegHookAccepted(response: RegHookResponse): boolean {
  return response.status.trim().toLowerCase() === 'ok';
}
