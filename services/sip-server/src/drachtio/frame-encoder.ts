/**
 * Encodes one server→app frame: `<N>#<leader>[CRLF<sip>]` where N is the
 * UTF-8 byte length of everything after `#` (docs/drachtio-protocol.md §1.1). One buffer is
 * allocated per frame (this runs for every SIP message an app sees).
 */
export function encodeFrame(leader: string, sip?: Buffer): Buffer {
  const leaderLen = Buffer.byteLength(leader, 'utf8');
  const payloadLen = sip === undefined ? leaderLen : leaderLen + 2 + sip.length;
  const prefix = `${payloadLen}#`;
  const out = Buffer.allocUnsafe(prefix.length + payloadLen);
  let o = out.write(prefix, 0, 'latin1');
  o += out.write(leader, o, 'utf8');
  if (sip !== undefined) {
    out[o++] = 0x0d;
    out[o++] = 0x0a;
    sip.copy(out, o);
  }
  return out;
}
