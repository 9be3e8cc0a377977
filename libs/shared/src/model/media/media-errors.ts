import { createError } from '../../errors/create-error.js';

// Errors of the media-controller. Declared here (not in the service) so the
// call-router can compare `NatsRemoteError.remote.code` with `X.code`.

/** No engine of the pool is healthy, so a new call cannot be placed. */
export const PBX_ERR_MEDIA_NO_ENGINE = createError<[detail: string]>(
  'PBX_ERR_MEDIA_NO_ENGINE',
  'no healthy RTPEngine available: %s',
  503,
);

/** The engine did not answer an ng command in time. */
export const PBX_ERR_MEDIA_ENGINE_TIMEOUT = createError<[engine: string, command: string, timeoutMs: number, cause?: Error]>(
  'PBX_ERR_MEDIA_ENGINE_TIMEOUT',
  'RTPEngine %s did not answer "%s" within %s ms',
  504,
);

/** The call lives on an engine that is known to be down; failing fast instead of waiting. */
export const PBX_ERR_MEDIA_ENGINE_DOWN = createError<[engine: string, callId: string]>(
  'PBX_ERR_MEDIA_ENGINE_DOWN',
  'RTPEngine %s holding call %s is down',
  503,
);

/** The engine answered `result: error` (unknown call, bad SDP, unreadable file…). */
export const PBX_ERR_MEDIA_ENGINE_REFUSED = createError<[engine: string, command: string, reason: string]>(
  'PBX_ERR_MEDIA_ENGINE_REFUSED',
  'RTPEngine %s refused "%s": %s',
  502,
);

/** No engine is recorded for the call (never offered, already deleted, or direct media). */
export const PBX_ERR_MEDIA_CALL_UNKNOWN = createError<[callId: string]>(
  'PBX_ERR_MEDIA_CALL_UNKNOWN',
  'no media session for call %s',
  404,
);

/** The engine's reply lacks a field we need (e.g. no SDP in an offer reply). */
export const PBX_ERR_MEDIA_ENGINE_REPLY = createError<[engine: string, command: string, detail: string]>(
  'PBX_ERR_MEDIA_ENGINE_REPLY',
  'RTPEngine %s sent an unusable reply to "%s": %s',
  502,
);

/** Media-controller options are invalid. */
export const PBX_ERR_MEDIA_OPTIONS = createError<[detail: string]>('PBX_ERR_MEDIA_OPTIONS', 'invalid media-controller options: %s', 500);
