/**
 * From / To / Contact / Route values: `name-addr` or `addr-spec` followed by
 * header parameters (RFC 3261 §20.10, §25.1). When the URI is not in angle
 * brackets, every `;param` belongs to the header, not to the URI (§20.10).
 */
import { type SipParams, parseParams, scanOutsideQuotes } from './sip-params.js';
import { PBX_ERR_SIP_BAD_VALUE } from './sip-value-error.js';

export interface SipNameAddr {
  /** Display name without surrounding quotes or escapes; undefined when absent. */
  displayName?: string;
  /** The URI text (without angle brackets). `*` for `Contact: *`. */
  uri: string;
  /** Header parameters (lower-cased names), e.g. `tag`, `expires`. */
  params: SipParams;
}

const TOKEN_WORDS = /^[A-Za-z0-9\-.!%*_+`'~ \t]*$/;

/** Parses a name-addr / addr-spec with params; throws PBX_ERR_SIP_BAD_VALUE when malformed. */
export function parseNameAddr(value: string): SipNameAddr {
  const s = value.trim();
  if (s === '*') return { uri: '*', params: {} };
  let displayName: string | undefined;
  let rest: string;
  let uri: string;
  const lt = findAngle(s);
  if (lt >= 0) {
    const before = s.slice(0, lt).trim();
    if (before.startsWith('"')) {
      const end = closingQuote(before, 0);
      if (end < 0 || before.slice(end + 1).trim() !== '') throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
      displayName = before.slice(1, end).replace(/\\(.)/g, '$1');
    } else if (before) {
      // RFC 3261 §25.1: an unquoted display name is a sequence of tokens.
      if (!TOKEN_WORDS.test(before)) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
      displayName = before;
    }
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
    uri = s.slice(lt + 1, gt);
    // §25.1: no LWS inside the angle brackets around the addr-spec (RFC 4475 §3.1.2.14).
    if (uri !== uri.trim() || uri === '') throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
    rest = s.slice(gt + 1).trim();
  } else {
    if (s.includes('"')) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
    const semi = s.indexOf(';');
    uri = (semi >= 0 ? s.slice(0, semi) : s).trim();
    rest = semi >= 0 ? s.slice(semi) : '';
    // addr-spec without brackets must not contain `,`, `?` or spaces (§20.10, RFC 4475 §3.1.2.13).
    if (!uri || /[\s,?]/.test(uri)) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
  let params: SipParams | undefined = {};
  if (rest) {
    if (!rest.startsWith(';')) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
    params = parseParams(rest.slice(1));
    if (!params) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', value);
  }
  const out: SipNameAddr = { uri, params };
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

/** Index of the `<` that opens the URI, skipping a quoted display name; -1 if none. */
function findAngle(s: string): number {
  const { index, unterminated } = scanOutsideQuotes(s, (ch) => ch === '<' || ch === ';');
  if (unterminated) throw new PBX_ERR_SIP_BAD_VALUE('name-addr', `unterminated quoted string: ${s}`);
  return index >= 0 && s[index] === '<' ? index : -1;
}

function closingQuote(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}
