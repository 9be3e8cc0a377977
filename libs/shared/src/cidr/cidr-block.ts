import { PBX_ERR_CIDR_INVALID } from './cidr-errors.js';
import { type ParsedIp, parseIp } from './parse-ip.js';

const ALL_ONES = (1n << 128n) - 1n;
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/** One parsed CIDR block, in the 128-bit space where IPv4 is IPv4-mapped. */
export interface CidrBlock {
  /** The text as configured. */
  readonly source: string;
  readonly family: 4 | 6;
  /** Prefix length as written (0–32 for IPv4, 0–128 for IPv6). */
  readonly prefix: number;
  /** Whether the parsed address falls inside the block. */
  containsParsed(ip: ParsedIp): boolean;
}

/**
 * Parses `a.b.c.d/n`, `x:y::z/n` or a bare address (a host route: /32 or
 * /128). Host bits set below the prefix (`10.1.2.3/8`) are ignored, as most
 * routers do. An IPv4 block also contains the `::ffff:a.b.c.d` form of its
 * addresses. Throws `PBX_ERR_CIDR_INVALID` naming the input.
 */
export function parseCidr(input: string): CidrBlock {
  if (typeof input !== 'string') throw new PBX_ERR_CIDR_INVALID(String(input), 'not a string');
  const text = input.trim();
  if (text === '') throw new PBX_ERR_CIDR_INVALID(input, 'empty');
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (addrText.includes('%') || addrText.includes('[')) {
    throw new PBX_ERR_CIDR_INVALID(input, 'zones and brackets are not allowed in a CIDR');
  }
  let addr: ParsedIp;
  try {
    addr = parseIp(addrText);
  } catch (e) {
    throw new PBX_ERR_CIDR_INVALID(input, (e as Error).message, e as Error);
  }
  const max = addr.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!PREFIX.test(p)) throw new PBX_ERR_CIDR_INVALID(input, `bad prefix length "${p}"`);
    prefix = Number(p);
    if (prefix > max) throw new PBX_ERR_CIDR_INVALID(input, `prefix length ${p} above ${max}`);
  }
  const bits = addr.family === 4 ? 96 + prefix : prefix;
  const mask = bits === 0 ? 0n : (ALL_ONES << BigInt(128 - bits)) & ALL_ONES;
  const base = addr.value & mask;
  return Object.freeze({
    source: input,
    family: addr.family,
    prefix,
    containsParsed: (ip: ParsedIp) => (ip.value & mask) === base,
  });
}
