import { FormatRegistry } from '@sinclair/typebox';

// TypeBox checks no string `format` until one is registered; an unregistered
// format fails every value. Registration is global to TypeBox, so it is
// idempotent: another module may have registered the same name already.

/** RFC 3339 §5.6 `date-time` (the ISO 8601 profile webhooks carry). */
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

function isUri(value: string): boolean {
  // RFC 3986 §3: an absolute URI has a scheme; URL parsing does the rest.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) return false;
  return URL.canParse(value);
}

/** Registers the string formats our schemas use (`date-time`, `uri`). */
export function registerFormats(): void {
  if (!FormatRegistry.Has('date-time')) {
    FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
  }
  if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', isUri);
}
