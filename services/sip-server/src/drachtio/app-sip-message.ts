import { SipRequest } from '../sip/sip-request.js';
import { SipResponse } from '../sip/sip-response.js';
import { PBX_ERR_DRACHTIO_FRAME_INVALID } from './errors.js';

const EMPTY: Buffer = Buffer.alloc(0);

/**
 * Parses the SIP part of an app `sip`/`proxy` frame. Lenient on purpose:
 * drachtio-srf writes Content-Length as a UTF-16 length, so the body is
 * "everything after the first CRLFCRLF" (docs/drachtio-protocol.md §3.4) and Content-Length
 * is ignored (callers drop it). Header lines keep the app's name spelling.
 * @throws PBX_ERR_DRACHTIO_FRAME_INVALID when the start line is not a SIP request/status line.
 */
export function parseAppSipMessage(buf: Buffer): SipRequest | SipResponse {
  let end = buf.indexOf('\r\n\r\n');
  let body: Buffer = EMPTY;
  if (end >= 0) body = buf.subarray(end + 4);
  else end = buf.length;
  const lines = buf.toString('utf8', 0, end).split('\r\n');
  const start = (lines[0] ?? '').trim();
  let msg: SipRequest | SipResponse;
  if (start.startsWith('SIP/2.0 ')) {
    const m = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(start);
    if (!m) throw new PBX_ERR_DRACHTIO_FRAME_INVALID(`invalid status line: ${start}`);
    msg = new SipResponse(Number(m[1]), m[2] ?? '');
  } else {
    const m = /^([A-Za-z][A-Za-z0-9\-.!%*_+`'~]*) (\S+) SIP\/2\.0$/.exec(start);
    if (!m) throw new PBX_ERR_DRACHTIO_FRAME_INVALID(`invalid request-uri: ${start}`);
    msg = new SipRequest((m[1] as string).toUpperCase(), m[2] as string);
  }
  let last: { name: string; value: string } | undefined;
  const flush = () => {
    if (last) msg.append(last.name, last.value);
    last = undefined;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      // RFC 3261 §7.3.1 folding
      last.value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // a line without a name is dropped (docs/drachtio-protocol.md §4.3)
    last = { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
  }
  flush();
  msg.body = body;
  return msg;
}
