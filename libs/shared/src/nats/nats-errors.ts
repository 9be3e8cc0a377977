import { createError } from '../errors/create-error.js';

/** A NATS message whose payload is not JSON or fails its schema. */
export const PBX_ERR_NATS_BAD_MESSAGE = createError<[subject: string, detail: string]>(
  'PBX_ERR_NATS_BAD_MESSAGE',
  'bad NATS message on %s: %s',
  400,
);

/** A subject token (domain, Call-ID, operation…) that cannot be put on the wire. */
export const PBX_ERR_NATS_BAD_SUBJECT = createError<[detail: string]>(
  'PBX_ERR_NATS_BAD_SUBJECT',
  'bad NATS subject: %s',
  400,
);

/** Nobody answered a request in time. */
export const PBX_ERR_NATS_TIMEOUT = createError<[subject: string, timeoutMs: number]>(
  'PBX_ERR_NATS_TIMEOUT',
  'NATS request on %s timed out after %s ms',
  504,
);

/** No service is subscribed to the request subject (NATS 503 status). */
export const PBX_ERR_NATS_NO_RESPONDERS = createError<[subject: string]>(
  'PBX_ERR_NATS_NO_RESPONDERS',
  'no responders on NATS subject %s',
  503,
);

/** A request failed for a transport reason other than timeout / no responders. */
export const PBX_ERR_NATS_REQUEST_FAILED = createError<[subject: string, detail: string, cause?: Error]>(
  'PBX_ERR_NATS_REQUEST_FAILED',
  'NATS request on %s failed: %s',
  502,
);

/** A service handler threw something that is not a {@link PbxError}. */
export const PBX_ERR_NATS_HANDLER_FAILED = createError<[subject: string, detail: string]>(
  'PBX_ERR_NATS_HANDLER_FAILED',
  'handler for %s failed: %s',
  500,
);

/** A stream could not be created or updated. */
export const PBX_ERR_NATS_STREAM = createError<[name: string, detail: string, cause?: Error]>(
  'PBX_ERR_NATS_STREAM',
  'JetStream stream %s: %s',
  500,
);
