import { createError } from '../errors/create-error.js';

/** The drachtio server refused the shared secret. */
export const PBX_ERR_SRF_AUTH = createError<[target: string]>(
  'PBX_ERR_SRF_AUTH',
  'drachtio server %s rejected the secret',
  500,
);

/** No successful connection to the drachtio server in time. */
export const PBX_ERR_SRF_CONNECT_TIMEOUT = createError<[target: string, timeoutMs: number, lastError: string]>(
  'PBX_ERR_SRF_CONNECT_TIMEOUT',
  'could not connect to drachtio server %s within %s ms (last error: %s)',
  503,
);

/** Invalid `connectSrf` options. */
export const PBX_ERR_SRF_OPTIONS = createError<[detail: string]>('PBX_ERR_SRF_OPTIONS', 'invalid drachtio options: %s', 500);
