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
