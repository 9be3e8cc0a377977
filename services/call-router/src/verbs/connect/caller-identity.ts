import type { ConnectVerb } from '@dragonpbx/shared/contracts';

/** Who the B legs say is calling (docs/contract.md §4.2 `callerId` / `callerName`). */
export interface CallerIdentity {
  /** The From user, escaped for a SIP URI. */
  readonly user: string;
  /** The From display name, escaped for the inside of a quoted-string. */
  readonly name: string;
}

// RFC 3261 §25.1: unreserved / escaped / user-unreserved may appear as they are
// in a userinfo; anything else is %-escaped so caller input cannot end the URI.
const USER_SAFE = /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/;

/** `s` as the user part of a SIP URI (RFC 3261 §25.1 `user`). */
export function sipUser(s: string): string {
  let out = '';
  for (const ch of s) {
    if (USER_SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `s` for the inside of a quoted display name (RFC 3261 §25.1 `quoted-string`):
 * `"` and `\` are escaped, control characters (CR, LF…) dropped, so a name
 * cannot start a new header.
 */
export function quotedNameContent(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, '').replace(/["\\]/g, (c) => `\\${c}`);
}

/** `callerId` (default: the caller's From user, `anonymous` when empty) and `callerName` (default: `callerId`). */
export function callerIdentity(verb: Pick<ConnectVerb, 'callerId' | 'callerName'>, callerFrom: string): CallerIdentity {
  const id = verb.callerId ?? (callerFrom || 'anonymous');
  return { user: sipUser(id), name: quotedNameContent(verb.callerName ?? id) };
}

/** The From of a trunk leg: `"<callerName>" <sip:<callerId>@<trunk host>>` (docs/contract.md §4.2). */
export function trunkFrom(who: CallerIdentity, trunkHost: string): string {
  return `"${who.name}" <sip:${who.user}@${trunkHost}>`;
}
