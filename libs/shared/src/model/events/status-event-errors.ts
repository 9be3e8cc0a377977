import { createError } from '../../errors/create-error.js';

/** A message on the status stream is not a valid event envelope. */
export const PBX_ERR_HOOK_EVENT_INVALID = createError('PBX_ERR_HOOK_EVENT_INVALID', 'invalid status event: %s', 400);
