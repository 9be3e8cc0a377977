import { createError } from '../errors/create-error.js';

/** A service did not finish its drain and stop within its shutdown deadline. */
export const PBX_ERR_SHUTDOWN_TIMEOUT = createError<[string, number]>(
  'PBX_ERR_SHUTDOWN_TIMEOUT',
  '%s did not stop within %s ms',
  500,
);

/** A start-up failure that carried no code of its own (a bug, or a library's error). */
export const PBX_ERR_START_FAILED = createError<[string]>('PBX_ERR_START_FAILED', '%s', 500);

/** A service asked for infrastructure its environment schema does not declare (a programming error). */
export const PBX_ERR_INFRA_UNDECLARED = createError<[string, string]>(
  'PBX_ERR_INFRA_UNDECLARED',
  '%s needs %s in its environment schema',
  500,
);
