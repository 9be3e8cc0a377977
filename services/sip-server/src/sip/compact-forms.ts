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

/**
 * Header names seen so far → their key, and → one shared copy of the name.
 * Every message repeats the same few dozen names: this skips the lower-casing
 * and lets all messages share the name strings instead of each holding its
 * own. Bounded, so that arbitrary names sent by a peer cannot grow it.
 */
const KEY_CACHE = new Map<string, string>();
const NAME_CACHE = new Map<string, string>();
const CACHE_MAX = 512;

/** Canonical lower-case key of a header name: `V`, `via`, `VIA` → `via`. */
export function headerKey(name: string): string {
  const hit = KEY_CACHE.get(name);
  if (hit !== undefined) return hit;
  const lower = name.toLowerCase();
  const key = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
  if (KEY_CACHE.size < CACHE_MAX) KEY_CACHE.set(name, key);
  return key;
}

/** The shared copy of a header name interned before (so already validated), if any. */
export function knownHeaderName(name: string): string | undefined {
  return NAME_CACHE.get(name);
}

/** Interns a validated header name; returns the shared copy the parser stores in the header list. */
export function internHeaderName(name: string): string {
  const hit = NAME_CACHE.get(name);
  if (hit !== undefined) return hit;
  if (NAME_CACHE.size < CACHE_MAX) NAME_CACHE.set(name, name);
  return name;
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
