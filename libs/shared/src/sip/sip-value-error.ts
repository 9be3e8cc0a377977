import { createError } from '../errors/create-error.js';

/**
 * A URI / name-addr / header-parameter / Via / CSeq value is not valid SIP
 * syntax (RFC 3261 §25.1). Declared here, beside the parsers that throw it, so
 * the SIP server and the registrar report the same code.
 */
export const PBX_ERR_SIP_BAD_VALUE = createError<[string, string]>('PBX_ERR_SIP_BAD_VALUE', 'invalid %s: %s', 400);
