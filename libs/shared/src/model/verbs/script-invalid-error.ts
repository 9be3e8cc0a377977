import { createError } from '../../errors/create-error.js';

/**
 * A CallScript does not match the verb schemas. The message names each
 * offending JSON path, e.g. `/1/dest/0/type: expected one of client, trunk, sip`.
 * The call-router reports it as a `script:invalid` StatusHook event and answers
 * the caller 500 (docs/contract.md §1.2 step 5).
 */
export const PBX_ERR_SCRIPT_INVALID = createError<[string]>('PBX_ERR_SCRIPT_INVALID', 'invalid CallScript: %s', 400);
