import { PBX_ERR_DIGEST_HEADER_INVALID } from './digest-errors.js';

/** One challenge or credentials block: a scheme and its parameters (names lowercased). */
export interface AuthHeaderBlock {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

// RFC 7230 §3.2.6 tchar.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses an authentication header value into blocks (RFC 7235 §2.1):
 * `Scheme name=token, name="quoted \"string\", with commas", Scheme2 …`.
 * A value may hold several challenges; parameter names are case-insensitive;
 * quoted strings take `\` escapes. Throws `PBX_ERR_DIGEST_HEADER_INVALID`
 * (naming `headerName`) on anything it cannot read unambiguously.
 */
export function parseAuthHeader(value: string, headerName: string): AuthHeaderBlock[] {
  const fail = (why: string): never => {
    throw new PBX_ERR_DIGEST_HEADER_INVALID(headerName, why);
  };
  if (typeof value !== 'string') fail('not a string');
  const s = value;
  let i = 0;
  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  const blocks: { scheme: string; params: Record<string, string> }[] = [];
  while (true) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    if (i >= s.length) break;
    const at = i;
    const name = readToken();
    if (name === '') fail(`unexpected "${s[i]}" at ${i}`);
    skipWs();
    if (s[i] !== '=') {
      blocks.push({ scheme: name, params: Object.create(null) });
      continue;
    }
    const current = blocks[blocks.length - 1];
    if (!current) fail(`parameter "${name}" before any scheme`);
    i++;
    skipWs();
    let val = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i++]!;
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\') {
          if (i >= s.length) break;
          val += s[i++];
        } else {
          val += c;
        }
      }
      if (!closed) fail(`unterminated quoted string for "${name}"`);
    } else {
      // Be lenient with unquoted values (some UAs send uri=sip:x unquoted): read to , or space.
      const start = i;
      while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t' && s[i] !== '"') i++;
      val = s.slice(start, i);
      if (val === '') fail(`empty value for "${name}" at ${at}`);
    }
    const key = name.toLowerCase();
    // RFC 7616 §3.4: a parameter must not appear more than once.
    if (key in current!.params) fail(`duplicate parameter "${key}"`);
    current!.params[key] = val;
    skipWs();
    if (i < s.length && s[i] !== ',') fail(`expected "," at ${i}`);
  }
  if (blocks.length === 0) fail('empty');
  return blocks;
}

/** Quotes a value as an RFC 7230 quoted-string, escaping `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
