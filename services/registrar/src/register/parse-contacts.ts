import { parseNameAddr, splitHeaderValues } from '@dragonpbx/shared/sip';
import { PBX_ERR_REGISTER_INVALID } from '../registrar-errors.js';

/** One Contact of a REGISTER: its URI and its `expires` parameter, if any. */
export interface RequestedContact {
  readonly uri: string;
  /** The Contact's own `expires` parameter (RFC 3261 §10.2.1.1); it overrides the `Expires` header. */
  readonly expires?: number;
}

/** Splits a header value on commas that are outside quotes and angle brackets (RFC 3261 §7.3.1). */
export const splitList: (value: string) => string[] = splitHeaderValues;

const URI = /^(sips?|tel):[^\s<>]+$/i;
const EXPIRES = /^\d{1,10}$/;

/**
 * Parses one `Contact` value (RFC 3261 §20.10: `name-addr` or `addr-spec`,
 * then header parameters) with the shared SIP parser, then applies what a
 * registrar adds: a SIP/SIPS/tel URI of sane length and a numeric `expires`.
 */
export function parseContact(text: string): RequestedContact {
  let uri: string;
  let expiresParam: string | null | undefined;
  try {
    const na = parseNameAddr(text);
    uri = na.uri;
    expiresParam = na.params.expires;
  } catch {
    throw new PBX_ERR_REGISTER_INVALID(contactSyntaxReason(text));
  }
  if (!URI.test(uri) || uri.length > 1024) throw new PBX_ERR_REGISTER_INVALID(`Contact URI "${uri.slice(0, 80)}" is not a SIP URI`);
  if (expiresParam === undefined) return { uri };
  const v = expiresParam?.replace(/^"|"$/g, '') ?? '';
  if (!EXPIRES.test(v)) throw new PBX_ERR_REGISTER_INVALID(`Contact expires "${v}" is not a number of seconds`);
  return { uri, expires: Number(v) };
}

/** The 400 reason for a Contact the SIP grammar rejects: name the likeliest fault. */
function contactSyntaxReason(text: string): string {
  const lt = text.indexOf('<');
  if (lt >= 0 && text.indexOf('>', lt) < 0) return `Contact "${text.slice(0, 80)}" has no closing ">"`;
  return `Contact "${text.slice(0, 80)}" is not a valid name-addr (RFC 3261 §20.10)`;
}

/** `*` (remove all bindings), a contact list, or `undefined` when the REGISTER has no Contact (a query). */
export function parseContacts(value: string | undefined): '*' | RequestedContact[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const items = splitList(value);
  if (items.length === 1 && items[0] === '*') return '*';
  if (items.includes('*')) throw new PBX_ERR_REGISTER_INVALID('Contact "*" must be the only contact (RFC 3261 §10.2.2)');
  if (items.length > 32) throw new PBX_ERR_REGISTER_INVALID(`too many contacts (${items.length})`);
  return items.map(parseContact);
}
