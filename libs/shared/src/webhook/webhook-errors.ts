import { createError } from '../errors/create-error.js';

/** The hook answered with a non-2xx HTTP status. */
export const PBX_ERR_WEBHOOK_HTTP = createError<[url: string, status: number]>(
  'PBX_ERR_WEBHOOK_HTTP',
  'webhook %s answered HTTP %s',
  502,
);

/** The hook did not answer within its timeout. */
export const PBX_ERR_WEBHOOK_TIMEOUT = createError<[url: string, timeoutMs: number]>(
  'PBX_ERR_WEBHOOK_TIMEOUT',
  'webhook %s timed out after %s ms',
  504,
);

/** Connection refused / reset, DNS failure, TLS failure… */
export const PBX_ERR_WEBHOOK_NETWORK = createError<[url: string, detail: string]>(
  'PBX_ERR_WEBHOOK_NETWORK',
  'webhook %s unreachable: %s',
  503,
);

/** The hook answered 2xx with a body that is not JSON. */
export const PBX_ERR_WEBHOOK_BAD_JSON = createError<[url: string, detail: string]>(
  'PBX_ERR_WEBHOOK_BAD_JSON',
  'webhook %s answered with invalid JSON: %s',
  502,
);

/** The hook's answer body is larger than the client's `maxBodyBytes`; it was not read to the end. */
export const PBX_ERR_WEBHOOK_TOO_LARGE = createError<[url: string, limit: number]>(
  'PBX_ERR_WEBHOOK_TOO_LARGE',
  'webhook %s answered with a body larger than %s bytes',
  502,
);

/** The URL is not an absolute http(s) URL. */
export const PBX_ERR_WEBHOOK_BAD_URL = createError<[url: string]>(
  'PBX_ERR_WEBHOOK_BAD_URL',
  'webhook URL %s is not an absolute http(s) URL',
  400,
);

/** The signing secret is empty, or `whsec_` followed by invalid base64. */
export const PBX_ERR_WEBHOOK_SECRET_INVALID = createError<[detail: string]>(
  'PBX_ERR_WEBHOOK_SECRET_INVALID',
  'webhook signing secret is invalid: %s',
  500,
);

/** A required `webhook-*` header is absent or empty. */
export const PBX_ERR_WEBHOOK_HEADER_MISSING = createError<[header: string]>(
  'PBX_ERR_WEBHOOK_HEADER_MISSING',
  'missing %s header',
  400,
);

/** `webhook-timestamp` is not an integer, or is outside the tolerance window (replay protection). */
export const PBX_ERR_WEBHOOK_TIMESTAMP = createError<[detail: string]>(
  'PBX_ERR_WEBHOOK_TIMESTAMP',
  'bad webhook-timestamp: %s',
  401,
);

/** No `v1` signature in `webhook-signature` matches the body. */
export const PBX_ERR_WEBHOOK_SIGNATURE = createError<[]>(
  'PBX_ERR_WEBHOOK_SIGNATURE',
  'no matching webhook signature',
  401,
);
