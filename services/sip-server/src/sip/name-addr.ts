/**
 * From / To / Contact / Route values (RFC 3261 §20.10, §25.1). Parsing is
 * shared with the registrar (`@dragonpbx/shared`); formatting and the tag
 * lookup the transaction layer uses stay here.
 */
import { type SipNameAddr, parseNameAddr } from '@dragonpbx/shared/sip';
import { formatParams } from './params.js';

export { parseNameAddr } from '@dragonpbx/shared/sip';
export type NameAddr = SipNameAddr;

/** Formats as `"Display" <uri>;params` (always with angle brackets). */
export function formatNameAddr(na: NameAddr): string {
  if (na.uri === '*') return '*';
  const dn = na.displayName !== undefined ? `"${na.displayName.replace(/(["\\])/g, '\\$1')}" ` : '';
  return `${dn}<${na.uri}>${formatParams(na.params)}`;
}

/** Value of the `tag` parameter of a From/To header value, or undefined. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // The same From/To value is asked for several times per message (transaction
  // key, dialog id, app frames): remember the last few answers.
  for (let i = 0; i < TAG_MEMO; i++) if (tagMemoKey[i] === value) return tagMemoVal[i];
  let tag: string | undefined;
  try {
    tag = parseNameAddr(value).params.tag ?? undefined;
  } catch {
    tag = undefined;
  }
  tagMemoKey[tagMemoPos] = value;
  tagMemoVal[tagMemoPos] = tag;
  tagMemoPos = (tagMemoPos + 1) % TAG_MEMO;
  return tag;
}

const TAG_MEMO = 4;
const tagMemoKey: (string | undefined)[] = new Array(TAG_MEMO).fill(undefined);
const tagMemoVal: (string | undefined)[] = new Array(TAG_MEMO).fill(undefined);
let tagMemoPos = 0;
