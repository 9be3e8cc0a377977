/** CSeq (RFC 3261 §20.16): sequence number < 2^31 and a method token. */
import { PBX_ERR_SIP_BAD_VALUE } from './errors.js';

export interface CSeq {
  seq: number;
  method: string;
}

const MAX_SEQ = 2 ** 31 - 1;

/** Parses `4711 INVITE`; throws PBX_ERR_SIP_BAD_VALUE when malformed or overlarge (RFC 4475 §3.1.2.4). */
export function parseCSeq(value: string): CSeq {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (!m) throw new PBX_ERR_SIP_BAD_VALUE('CSeq', value);
  const seq = Number(m[1]);
  if (seq > MAX_SEQ) throw new PBX_ERR_SIP_BAD_VALUE('CSeq', value);
  return { seq, method: m[2]! };
}
