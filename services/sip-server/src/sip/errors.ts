/**
 * Error codes of the SIP core (parser, transports, transactions). Declared
 * once here so codes stay unique and greppable.
 */
import { createError } from '@dragonpbx/shared/contracts';

/** A SIP message could not be parsed; see {@link SipParseError} for the SIP-level detail. */
export const PBX_ERR_SIP_PARSE = createError<[string]>('PBX_ERR_SIP_PARSE', 'malformed SIP message: %s', 400);
/** A URI / name-addr / Via / CSeq value is not valid (declared with the shared SIP parsers). */
export { PBX_ERR_SIP_BAD_VALUE } from '@dragonpbx/shared/sip';
/** A TCP stream violated framing (no Content-Length, oversized message). */
export const PBX_ERR_SIP_FRAMING = createError<[string]>('PBX_ERR_SIP_FRAMING', 'SIP stream framing error: %s', 400);
/** No local transport can reach the destination. */
export const PBX_ERR_SIP_NO_TRANSPORT = createError<[string]>(
  'PBX_ERR_SIP_NO_TRANSPORT',
  'requested protocol/transport not available: %s',
  500,
);
/** Target resolution (DNS) failed. */
export const PBX_ERR_SIP_RESOLVE = createError<[string, string, Error?]>('PBX_ERR_SIP_RESOLVE', 'cannot resolve %s: %s', 500);
/** Writing to a socket failed or the connection is gone. */
export const PBX_ERR_SIP_TRANSPORT = createError<[string, Error?]>('PBX_ERR_SIP_TRANSPORT', 'transport error: %s', 503);
/** An operation is not allowed in the transaction's current state. */
export const PBX_ERR_SIP_TXN_STATE = createError<[string]>('PBX_ERR_SIP_TXN_STATE', 'transaction state error: %s', 500);
/** The stack is not started / already stopped. */
export const PBX_ERR_SIP_STACK_STATE = createError<[string]>('PBX_ERR_SIP_STACK_STATE', 'SIP stack state error: %s', 500);
/** Invalid stack options. */
export const PBX_ERR_SIP_OPTIONS = createError<[string]>('PBX_ERR_SIP_OPTIONS', 'invalid SIP stack options: %s', 500);
