// Public surface of @dragonpbx/shared. One export line per module; keep it sorted by area.
export { PbxError } from './errors/pbx-error.js';
export { createError, listErrorCodes, type PbxErrorClass } from './errors/create-error.js';
export { SipError } from './errors/sip-error.js';
export { compileValidator, type Validator, type ValidatorOptions } from './schema/validator.js';
export { PBX_ERR_VALIDATION } from './schema/validation-error.js';
export { formatIssues, type ValidationIssue } from './schema/validation-issue.js';
