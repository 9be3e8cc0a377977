/**
 * Encodes one server→app frame: `<N>#<leader>[CRLF<sip>]` where N is the
 * UTF-8 byte length of everything after `#` (reference §1.1).
 */
export function encodeFrame(leader: string, sip?: Buffer): Buffer {
  if (sip === undefined) {
    const len = Buffer.byteLength(leader, 'utf8');
    return Buffer.from(`${len}#${leader}`, 'utf8');
  }
  const head = Buffer.from(`${leader}\r\n`, 'utf8');
  const len = head.length + sip.length;
  return Buffer.concat([Buffer.from(`${len}#`, 'latin1'), head, sip]);
}
