/**
 * A configured header value to look for. drachtio-server compares spammer
 * values as plain substrings; a value written as `/pattern/flags` is taken as
 * a regular expression instead (our extension, so one rule can cover a family
 * of scanner User-Agents).
 */
export interface ValueMatcher {
  /** The value as written in the configuration. */
  readonly source: string;
  test(candidate: string): boolean;
}

/** How a plain (non-`/…/`) value is compared. */
export type PlainMatchMode = 'substring' | 'exact';

const REGEX_FORM = /^\/(.+)\/([a-z]*)$/s;

/**
 * Compiles one configured value. Throws `SyntaxError` for an invalid
 * `/pattern/` so configuration errors surface at boot, not per request.
 */
export function compileValueMatcher(source: string, mode: PlainMatchMode): ValueMatcher {
  const m = REGEX_FORM.exec(source);
  if (m) {
    const re = new RegExp(m[1]!, m[2]);
    return Object.freeze({ source, test: (c: string) => re.test(c) });
  }
  if (mode === 'exact') return Object.freeze({ source, test: (c: string) => c === source });
  return Object.freeze({ source, test: (c: string) => c.includes(source) });
}
