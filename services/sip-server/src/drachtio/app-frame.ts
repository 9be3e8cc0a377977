import { PBX_ERR_DRACHTIO_FRAME_INVALID } from './errors.js';

/** Frame types an application may send (docs/drachtio-protocol.md §1.5). */
export type AppFrameType = 'authenticate' | 'route' | 'remove_route' | 'ping' | 'sip' | 'proxy';

const TYPES = new Set<string>(['authenticate', 'route', 'remove_route', 'ping', 'sip', 'proxy']);

/** One decoded app→server frame. */
export interface AppFrame {
  /** Token 0: the app's message id, echoed in our `response`. */
  readonly msgId: string;
  readonly type: AppFrameType;
  /** All leader tokens, empty ones kept (token 0 = msgId, 1 = type). */
  readonly tokens: readonly string[];
  /** SIP part after the first CRLF, if any. */
  readonly sip: Buffer | undefined;
}

/**
 * Splits a payload into leader tokens and SIP part (docs/drachtio-protocol.md §1.3): the
 * leader ends at the first CRLF and is split on `|` keeping empty tokens.
 * @throws PBX_ERR_DRACHTIO_FRAME_INVALID when fewer than 2 tokens or unknown type.
 */
export function parseAppFrame(payload: Buffer): AppFrame {
  const crlf = payload.indexOf('\r\n');
  const leader = payload.toString('utf8', 0, crlf < 0 ? payload.length : crlf);
  const sip = crlf < 0 ? undefined : payload.subarray(crlf + 2);
  const tokens = leader.split('|');
  const msgId = tokens[0] ?? '';
  const type = tokens[1];
  if (msgId === '' || type === undefined) throw new PBX_ERR_DRACHTIO_FRAME_INVALID('Invalid message format');
  if (!TYPES.has(type)) throw new PBX_ERR_DRACHTIO_FRAME_INVALID('Unknown message type');
  return { msgId, type: type as AppFrameType, tokens, sip };
}
