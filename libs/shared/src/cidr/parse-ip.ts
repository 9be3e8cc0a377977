import { PBX_ERR_IP_INVALID } from './cidr-errors.js';

/** An address as a 128-bit integer; IPv4 is held as its IPv4-mapped IPv6 form. */
export interface ParsedIp {
  /** The family as written (`::ffff:1.2.3.4` is family 6 but matches IPv4 blocks). */
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** `::ffff:0:0/96`, the IPv4-mapped prefix (RFC 4291 §2.5.5.2). */
export const IPV4_MAPPED_BASE = 0xffffn << 32n;

const V4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses an IPv4 dotted quad or an IPv6 address (RFC 4291 §2.2 text forms,
 * including `::` compression and a dotted-quad tail). A zone (`%eth0`) and
 * surrounding brackets are accepted and ignored. Octets with leading zeros are
 * refused because some stacks read them as octal. Throws `PBX_ERR_IP_INVALID`.
 */
export function parseIp(input: string): ParsedIp {
  if (typeof input !== 'string') throw new PBX_ERR_IP_INVALID(String(input), 'not a string');
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0 && text.includes(':')) text = text.slice(0, zone);
  if (text.includes(':')) return { family: 6, value: parseV6(input, text) };
  return { family: 4, value: IPV4_MAPPED_BASE | parseV4(input, text) };
}

function parseV4(input: string, text: string): bigint {
  const parts = text.split('.');
  if (parts.length !== 4) throw new PBX_ERR_IP_INVALID(input, 'expected four dotted octets');
  let v = 0n;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) throw new PBX_ERR_IP_INVALID(input, `bad octet "${p}"`);
    const n = Number(p);
    if (n > 255) throw new PBX_ERR_IP_INVALID(input, `octet ${p} above 255`);
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(input: string, text: string): bigint {
  const halves = text.split('::');
  if (halves.length > 2) throw new PBX_ERR_IP_INVALID(input, '"::" used more than once');
  const groupsOf = (s: string): bigint[] => {
    if (s === '') return [];
    const out: bigint[] = [];
    const parts = s.split(':');
    parts.forEach((p, i) => {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(input, p);
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (V6_GROUP.test(p)) {
        out.push(BigInt(`0x${p}`));
      } else {
        throw new PBX_ERR_IP_INVALID(input, p === '' ? 'empty group' : `bad group "${p}"`);
      }
    });
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (halves.length === 2 && halves[0]!.includes('.')) {
    throw new PBX_ERR_IP_INVALID(input, 'dotted quad must come last');
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) {
    throw new PBX_ERR_IP_INVALID(input, 'wrong number of groups');
  }
  const groups = halves.length === 1 ? head : [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}
