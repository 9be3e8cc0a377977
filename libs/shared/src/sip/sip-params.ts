/**
 * `;name[=value]` parameter lists (RFC 3261 §25.1 generic-param, uri-parameter).
 * Names are matched case-insensitively, so keys are lower-cased; values keep
 * their case (quoted values keep their quotes). A flag parameter maps to null.
 */
export type SipParams = Record<string, string | null>;

/**
 * Calls `visit` for each character of `s` outside double-quoted strings
 * (RFC 3261 §25.1 quoted-string, with `\\` escapes) until it returns true.
 * Returns that index (-1 when none), and whether a quoted string was left open.
 */
export function scanOutsideQuotes(s: string, visit: (ch: string, i: number) => boolean): { index: number; unterminated: boolean } {
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (visit(ch, i)) return { index: i, unterminated: false };
  }
  return { index: -1, unterminated: inQuote };
}

/** Splits `s` on `sep` outside double quotes. */
export function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  scanOutsideQuotes(s, (ch, i) => {
    if (ch === sep) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  out.push(s.slice(start));
  return out;
}

/**
 * Parses the text after the first `;` of a parameter list (`a=1;b;c="x;y"`).
 * Returns undefined when an element is empty (e.g. `;;`), which RFC 4475
 * §3.1.2.1 treats as malformed.
 */
export function parseParams(s: string): SipParams | undefined {
  const params: SipParams = {};
  if (s.trim() === '') return params;
  for (const part of splitOutsideQuotes(s, ';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name) return undefined;
    params[name] = eq < 0 ? null : part.slice(eq + 1).trim();
  }
  return params;
}
