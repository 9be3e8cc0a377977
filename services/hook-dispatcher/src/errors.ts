import { createError } from '@dragonpbx/shared/contracts';

/**
 * Error codes of the hook-dispatcher. Codes are stable and greppable; log lines
 * and HTTP error bodies carry them verbatim.
 */

/** A dispatcher option or environment variable is out of range. */
export const PBX_ERR_HOOK_CONFIG_INVALID = createError('PBX_ERR_HOOK_CONFIG_INVALID', 'invalid option %s: %s', 500);

/** A dead-letter entry does not exist. */
export const PBX_ERR_HOOK_DEAD_LETTER_NOT_FOUND = createError(
  'PBX_ERR_HOOK_DEAD_LETTER_NOT_FOUND',
  'no dead-lettered event %s',
  404,
);

/** An admin HTTP request is malformed. */
export const PBX_ERR_HOOK_BAD_REQUEST = createError('PBX_ERR_HOOK_BAD_REQUEST', 'bad request: %s', 400);

/** An admin HTTP request lacks the bearer token (or comes from off-host without one configured). */
export const PBX_ERR_HOOK_UNAUTHORIZED = createError('PBX_ERR_HOOK_UNAUTHORIZED', 'unauthorized: %s', 401);

/** A stored delivery record is unreadable (corrupted or written by an incompatible version). */
export const PBX_ERR_HOOK_STATE_CORRUPT = createError('PBX_ERR_HOOK_STATE_CORRUPT', 'corrupt delivery state: %s', 500);
