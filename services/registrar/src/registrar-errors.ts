import { createError } from '@dragonpbx/shared/contracts';

/** Invalid registrar options (a boot-time configuration error). */
export const PBX_ERR_REGISTRAR_OPTIONS = createError<[string, string]>('PBX_ERR_REGISTRAR_OPTIONS', 'invalid registrar option %s: %s', 500);
/** A REGISTER that cannot be processed as sent (answered 400). */
export const PBX_ERR_REGISTER_INVALID = createError<[string]>('PBX_ERR_REGISTER_INVALID', 'invalid REGISTER: %s', 400);
/** An outbound trunk REGISTER failed. */
export const PBX_ERR_TRUNK_REGISTER_FAILED = createError<[string, string]>(
  'PBX_ERR_TRUNK_REGISTER_FAILED',
  'trunk %s registration failed: %s',
  503,
);
