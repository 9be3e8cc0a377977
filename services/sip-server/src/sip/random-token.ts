/**
 * Random identifiers for branches, tags and Call-IDs. Uses a pooled buffer of
 * crypto-random bytes so hot paths do not hit the CSPRNG per call.
 */
import { randomFillSync } from 'node:crypto';
import { BRANCH_MAGIC_COOKIE } from './via.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const POOL = Buffer.allocUnsafe(4096);
let poolPos = POOL.length;

/** `length` characters of [a-zA-Z0-9] (token-safe, RFC 3261 §25.1). */
export function randomToken(length = 16): string {
  if (poolPos + length > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[POOL[poolPos++]! % 62];
  return s;
}

/** A new RFC 3261 §8.1.1.7 branch: magic cookie + random part. */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomToken(20);
}
