import { type CidrBlock, parseCidr } from './cidr-block.js';
import { PBX_ERR_CIDR_INVALID } from './cidr-errors.js';
import { parseIp } from './parse-ip.js';

/** A list of CIDR blocks compiled once for repeated lookups. */
export interface CidrSet {
  readonly blocks: readonly CidrBlock[];
  /** Whether `ip` is in any block. Throws `PBX_ERR_IP_INVALID` for a malformed address. */
  contains(ip: string): boolean;
  /** The configured text of the first block containing `ip`, or `undefined`. */
  match(ip: string): string | undefined;
}

/**
 * Compiles a list such as a trunk's `inbound` (docs/contract.md §2.3). Every entry is
 * parsed up front so a bad one fails at config load with `PBX_ERR_CIDR_INVALID`.
 */
export function compileCidrs(list: readonly string[]): CidrSet {
  if (!Array.isArray(list)) throw new PBX_ERR_CIDR_INVALID(String(list), 'expected an array of CIDR strings');
  const blocks = Object.freeze(list.map((c) => parseCidr(c)));
  const match = (ip: string): string | undefined => {
    const parsed = parseIp(ip);
    return blocks.find((b) => b.containsParsed(parsed))?.source;
  };
  return Object.freeze({ blocks, match, contains: (ip: string) => match(ip) !== undefined });
}
