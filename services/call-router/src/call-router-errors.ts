import { createError } from '@dragonpbx/shared/contracts';

/** Invalid call-router options (a boot-time configuration error). */
export const PBX_ERR_CALL_ROUTER_OPTIONS = createError<[string, string]>('PBX_ERR_CALL_ROUTER_OPTIONS', 'invalid call-router option %s: %s', 500);
/** An INVITE that cannot be processed as sent (answered 400). */
export const PBX_ERR_INVITE_INVALID = createError<[string]>('PBX_ERR_INVITE_INVALID', 'invalid INVITE: %s', 400);
/** The CallHook could not give a script (timeout, HTTP error, network, bad JSON); the caller gets 480. */
export const PBX_ERR_CALLHOOK_FAILED = createError<[string, string]>('PBX_ERR_CALLHOOK_FAILED', 'CallHook %s failed: %s', 480);
/** A `file:` CallHook template could not be read or rendered to JSON; the caller gets 480. */
export const PBX_ERR_CALLHOOK_TEMPLATE = createError<[string, string]>('PBX_ERR_CALLHOOK_TEMPLATE', 'CallHook template %s: %s', 480);
/** A StatusHook event could not be published; the call goes on. */
export const PBX_ERR_STATUS_PUBLISH = createError<[string, string]>('PBX_ERR_STATUS_PUBLISH', 'status event %s not published: %s', 500);
/** The live-call summary could not be written or removed; the call goes on. */
export const PBX_ERR_CALL_STATE = createError<[string, string]>('PBX_ERR_CALL_STATE', 'call summary %s: %s', 500);
/** A call state machine was asked for a transition its diagram does not have (a bug). */
export const PBX_ERR_CALL_TRANSITION = createError<[string, string]>('PBX_ERR_CALL_TRANSITION', 'illegal call transition %s → %s', 500);
/** An SDP body that cannot be read as SDP (RFC 4566 §5); the INVITE gets 400 before anything runs. */
export const PBX_ERR_SDP_INVALID = createError<[string]>('PBX_ERR_SDP_INVALID', 'malformed SDP: %s', 400);
/** The offer has no codec the caller may use, or RTPEngine's offer kept none (RFC 3264 §6); 488. */
export const PBX_ERR_SDP_NO_COMMON_CODEC = createError<[string]>('PBX_ERR_SDP_NO_COMMON_CODEC', 'no common codec: %s', 488);
/** A SIP INFO that names itself DTMF but whose body is not a readable digit; 400. */
export const PBX_ERR_DTMF_INFO_INVALID = createError<[string]>('PBX_ERR_DTMF_INFO_INVALID', 'malformed DTMF INFO: %s', 400);
/** A REST command the call's leg is not in a state for (not connected, no B leg, already over); HTTP 409. */
export const PBX_ERR_CALL_LEG_STATE = createError<[string]>('PBX_ERR_CALL_LEG_STATE', 'leg not in a state for this: %s', 409);
/** The CallHook of a REST update-leg gave no usable script; HTTP 480 (docs/contract.md §5.1). */
export const PBX_ERR_UPDATE_LEG_HOOK = createError<[string]>('PBX_ERR_UPDATE_LEG_HOOK', 'update-leg CallHook failed: %s', 480);
/** An attended transfer names a dialog no live call of the domain has, or one that is not bridged (RFC 3891 §3); NOTIFY 481. */
export const PBX_ERR_REPLACES_NO_DIALOG = createError<[string]>('PBX_ERR_REPLACES_NO_DIALOG', 'no dialog to replace: %s', 481);
/** The party an attended transfer moves could not be re-INVITEd onto the joined media; NOTIFY 480. */
export const PBX_ERR_REPLACES_REINVITE = createError<[string]>('PBX_ERR_REPLACES_REINVITE', 'attended transfer re-INVITE failed: %s', 480);
