import { createError } from '../errors/create-error.js';

/** An `Authorization`/`WWW-Authenticate` (or Proxy-) header cannot be parsed. Maps to SIP 400. */
export const PBX_ERR_DIGEST_HEADER_INVALID = createError<[header: string, why: string]>(
  'PBX_ERR_DIGEST_HEADER_INVALID',
  'malformed %s header: %s',
  400,
);

/** A challenge offers nothing this client can answer (e.g. only `qop=auth-int`, an unknown algorithm). */
export const PBX_ERR_DIGEST_UNSUPPORTED = createError<[why: string]>(
  'PBX_ERR_DIGEST_UNSUPPORTED',
  'unsupported digest challenge: %s',
  400,
);

/** Digest options (secret, lifetime) are invalid; raised once at start-up. */
export const PBX_ERR_DIGEST_OPTIONS_INVALID = createError<[why: string]>(
  'PBX_ERR_DIGEST_OPTIONS_INVALID',
  'invalid digest options: %s',
  500,
);
