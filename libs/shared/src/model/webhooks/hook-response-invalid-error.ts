import { createError } from '../../errors/create-error.js';

/**
 * A webhook answered with a body that does not match its schema. The message
 * names the hook and each offending JSON path, e.g.
 * `RegHook response: /expires: expected integer`.
 */
export const PBX_ERR_HOOK_RESPONSE_INVALID = createError<[string]>('PBX_ERR_HOOK_RESPONSE_INVALID', '%s', 502);
