import { createError } from '../errors/create-error.js';

/**
 * A value did not match its schema. The message lists each offending JSON
 * pointer (RFC 6901) with what was expected there, e.g.
 * `/2/dest/0/type: expected one of client, trunk, sip`.
 */
export const PBX_ERR_VALIDATION = createError<[string]>('PBX_ERR_VALIDATION', '%s', 400);
