/**
 * Header name normalisation. RFC 3261 §7.3.3 compact forms plus the common
 * extension ones (RFC 3515 `r`, RFC 3892 `b`, RFC 4474 `y`/`x`, RFC 3265 `o`/`u`).
 */
const COMPACT: Readonly<Record<string, string>> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
  y: 'identity',
};

/** Canonical lower-case key of a header name: `V`, `via`, `VIA` → `via`. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT[lower] ?? lower;
  return lower;
}

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1), so that
 * several values may share one line. Authentication headers, Date, etc. are
 * NOT lists even though their values contain commas.
 */
const LIST_HEADERS = new Set([
  'via',
  'route',
  'record-route',
  'contact',
  'path',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'allow-events',
  'in-reply-to',
  'alert-info',
  'call-info',
  'error-info',
  'service-route',
  'p-asserted-identity',
  'reason',
]);

/** Whether `key` (from {@link headerKey}) is a comma-list header. */
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}
