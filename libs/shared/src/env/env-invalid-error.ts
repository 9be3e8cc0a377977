import { createError } from '../errors/create-error.js';

/**
 * An environment variable has a value we cannot use. The message is one line
 * naming the variable and what is wrong with it, e.g.
 * `invalid DRACHTIO_PORT: expected an integer from 1 to 65535, got "90x22"`.
 */
export const PBX_ERR_ENV_INVALID = createError<[string, string]>('PBX_ERR_ENV_INVALID', 'invalid %s: %s', 500);
