import { PBX_ERR_REGISTER_INVALID } from '../registrar-errors.js';

/** One Contact of a REGISTER: its URI and its `expires` parameter, if any. */
export interface RequestedContact {
  readonly uri: string;
  /** The Contact's own `expires` parameter (RFC 3261 §10.2.1.1); it overrides the `Expires` header. */
  readonly expires?: number;
}

/** Splits a header value on commas that are outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const URI = /^(sips?|tel):[^\s<>]+$/i;
const EXPIRES = /^\d{1,10}$/;

/**
 * Parses one `Contact` value (RFC 3261 §20.10: `name-addr` or `addr-spec`,
 * then header parameters). Without angle brackets, everything after the first
 * `;` is a header parameter, not a URI parameter (§20.10).
 */
export function parseContact(text: string): RequestedContact {
  let uri: string;
  let params: string;
  const lt = text.indexOf('<');
  if (lt >= 0) {
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new PBX_ERR_REGISTER_INVALID(`Contact "${text.slice(0, 80)}" has no closing ">"`);
    uri = text.slice(lt + 1, gt).trim();
    params = text.slice(gt + 1);
  } else {
    const semi = text.indexOf(';');
    uri = (semi < 0 ? text : text.slice(0, semi)).trim();
    params = semi < 0 ? '' : text.slice(semi);
  }
  if (!URI.test(uri) || uri.length > 1024) throw new PBX_ERR_REGISTER_INVALID(`Contact URI "${uri.slice(0, 80)}" is not a SIP URI`);
  let expires: number | undefined;
  for (const p of params.split(';')) {
    const [name, raw] = p.split('=', 2).map((s) => s.trim());
    if (name?.toLowerCase() !== 'expires') continue;
    const v = raw?.replace(/^"|"$/g, '') ?? '';
    if (!EXPIRES.test(v)) throw new PBX_ERR_REGISTER_INVALID(`Contact expires "${v}" is not a number of seconds`);
    expires = Number(v);
  }
  return expires === undefined ? { uri } : { uri, expires };
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
