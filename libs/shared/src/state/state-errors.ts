import { createError } from '../errors/create-error.js';

/** A domain, extension, call id or other key part cannot be used in a Redis key. */
export const PBX_ERR_STATE_KEY_INVALID = createError<[what: string, value: string, why: string]>(
  'PBX_ERR_STATE_KEY_INVALID',
  'invalid %s "%s" for a state key: %s',
  400,
);

/** A value handed to the state store is out of range or of the wrong shape. */
export const PBX_ERR_STATE_INPUT_INVALID = createError<[what: string, why: string]>(
  'PBX_ERR_STATE_INPUT_INVALID',
  'invalid %s: %s',
  400,
);

/** A record read back from Redis is not what this module writes (corrupt or foreign data). */
export const PBX_ERR_STATE_CORRUPT = createError<[key: string, why: string]>(
  'PBX_ERR_STATE_CORRUPT',
  'corrupt state at "%s": %s',
  500,
);

/**
 * Redis cannot be reached right now (connection closed or refused, timed out,
 * retries used up). Raised by the state store at its boundary, so callers test
 * `instanceof` (e.g. to answer SIP 503 + Retry-After) instead of reading
 * ioredis's messages. The ioredis error is the `cause`.
 */
export const PBX_ERR_STATE_UNAVAILABLE = createError<[why: string, cause?: Error]>(
  'PBX_ERR_STATE_UNAVAILABLE',
  'state store unavailable: %s',
  503,
);
