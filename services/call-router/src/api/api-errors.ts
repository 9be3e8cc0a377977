import { createError } from '@dragonpbx/shared/contracts';

/**
 * Error codes of the REST call API. Every error answer is `{code, message}`
 * with the code's HTTP status; the engine's own refusals
 * (`PBX_ERR_CALL_LEG_STATE` 409,
 * `PBX_ERR_UPDATE_LEG_HOOK` 480) come back as they are.
 */

/** No bearer token, a wrong one, or (without `API_TOKEN`) a client off the host; HTTP 401. */
export const PBX_ERR_API_UNAUTHORIZED = createError<[string]>('PBX_ERR_API_UNAUTHORIZED', 'unauthorized: %s', 401);
/** A path parameter, query or body that does not match its schema; HTTP 400. */
export const PBX_ERR_API_BAD_REQUEST = createError<[string]>('PBX_ERR_API_BAD_REQUEST', 'bad request: %s', 400);
/** No configured domain with that name or id; HTTP 404. */
export const PBX_ERR_API_DOMAIN_UNKNOWN = createError<[string]>('PBX_ERR_API_DOMAIN_UNKNOWN', 'no domain %s', 404);
/** No live call with that Call-ID in the domain; HTTP 404. */
export const PBX_ERR_API_CALL_UNKNOWN = createError<[string, string]>('PBX_ERR_API_CALL_UNKNOWN', 'no live call %s in %s', 404);
/** No live registration of that user in the domain; HTTP 404. */
export const PBX_ERR_API_CLIENT_UNKNOWN = createError<[string, string]>('PBX_ERR_API_CLIENT_UNKNOWN', 'no registered client %s in %s', 404);
/** No such method and path; HTTP 404. */
export const PBX_ERR_API_ROUTE_UNKNOWN = createError<[string, string]>('PBX_ERR_API_ROUTE_UNKNOWN', 'no route %s %s', 404);
/** The call-router replica owning the call did not answer over NATS (gone, or overloaded); HTTP 503. */
export const PBX_ERR_API_OWNER_UNREACHABLE = createError<[string, string, string]>(
  'PBX_ERR_API_OWNER_UNREACHABLE',
  'call %s: its call-router %s did not answer: %s',
  503,
);
/** Anything else (a bug, Redis down); HTTP 500, details only in the log. */
export const PBX_ERR_API_INTERNAL = createError<[string]>('PBX_ERR_API_INTERNAL', 'internal error: %s', 500);
