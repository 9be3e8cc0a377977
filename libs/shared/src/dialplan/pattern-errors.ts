import { createError } from '../errors/create-error.js';

/** A glob pattern (dialplan key or client username pattern) cannot be compiled. */
export const PBX_ERR_PATTERN_INVALID = createError<[pattern: string, why: string]>(
  'PBX_ERR_PATTERN_INVALID',
  'invalid pattern "%s": %s',
  400,
);

/** A dialplan is not an object of pattern → target entries. */
export const PBX_ERR_DIALPLAN_INVALID = createError<[why: string]>(
  'PBX_ERR_DIALPLAN_INVALID',
  'invalid dialplan: %s',
  400,
);

/** A dialplan entry's target is neither a URL string nor `{callHook, statusHook?}`. */
export const PBX_ERR_DIALPLAN_VALUE_INVALID = createError<[key: string, why: string]>(
  'PBX_ERR_DIALPLAN_VALUE_INVALID',
  'invalid dialplan target for "%s": %s',
  400,
);
