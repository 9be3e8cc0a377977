/**
 * Keys whose values never reach a log line, compared case-insensitively and
 * ignoring `-`/`_` (so `Proxy-Authorization`, `proxy_authorization` and
 * `proxyAuthorization` all match).
 */
export const REDACTED_KEYS: readonly string[] = Object.freeze([
  'password',
  'passwd',
  'regpass',
  'secret',
  'signingsecret',
  'hooksigningsecret',
  'drachtiosecret',
  'apitoken',
  'token',
  'authorization',
  'proxyauthorization',
  'cookie',
  'ha1',
]);

/**
 * Exact top-level key spellings for pino's own `redact`, which (unlike the
 * log formatter) also covers bindings given to `logger.child()`.
 */
export const REDACTED_BINDING_KEYS: readonly string[] = Object.freeze([
  'password',
  'Password',
  'passwd',
  'regPass',
  'secret',
  'signingSecret',
  'token',
  'apiToken',
  'authorization',
  'Authorization',
  'cookie',
  'HOOK_SIGNING_SECRET',
  'DRACHTIO_SECRET',
  'API_TOKEN',
]);

/** What replaces a secret. */
export const REDACTED = '[redacted]';

const KEYS = new Set(REDACTED_KEYS);
const normalise = (k: string) => k.toLowerCase().replace(/[-_]/g, '');

// Digest credentials inside raw SIP text (RFC 3261 §22.4 / RFC 2617 §3.2.2):
// the `response` parameter proves knowledge of the password and is replayable
// until the nonce expires, so it is masked even inside whole messages.
const DIGEST_PARAM = /\b(response|cnonce)\s*=\s*("[^"]*"|[^\s,]+)/gi;
const AUTH_LINE = /^((?:proxy-)?authorization[\t ]*:)(?![\t ]*Digest\b)(.*)$/gim;

/**
 * Masks secrets in text: digest `response`/`cnonce` parameters and
 * non-digest `Authorization` header values (e.g. `Bearer …`, `Basic …`).
 */
export function redactText(text: string): string {
  return text.replace(DIGEST_PARAM, `$1="${REDACTED}"`).replace(AUTH_LINE, `$1 ${REDACTED}`);
}

/**
 * Returns a copy of `value` with secrets masked: values of {@link REDACTED_KEYS},
 * a string-valued `response` key (a digest response; the `response` *verb* is an
 * object and is kept), and digest parameters inside strings. Errors are kept as
 * they are (pino serialises them). Depth is bounded so a huge object cannot
 * stall logging.
 */
export function redactSecrets(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return value.length > 8 ? redactText(value) : value;
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  if (depth > 8 || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const n = normalise(k);
    if (KEYS.has(n) && v !== undefined && v !== null && v !== '') out[k] = REDACTED;
    else if (n === 'response' && typeof v === 'string') out[k] = REDACTED;
    else out[k] = redactSecrets(v, depth + 1, seen);
  }
  return out;
}
