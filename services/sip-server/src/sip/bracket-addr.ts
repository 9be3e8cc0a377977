/**
 * Writes Contact, Route and Record-Route values in name-addr form
 * (`<sip:user@host>;params`). RFC 3261 §20.10 allows a bare addr-spec in
 * Contact, but UAs and test tools that take the URI between `<` and `>` then
 * address in-dialog requests to an empty Request-URI; drachtio-server always
 * writes the brackets, and so do we. Route and Record-Route are name-addr by
 * grammar (§25.1) and get the same treatment when an application wrote them bare.
 */

/**
 * `sip:u@h;expires=60` → `<sip:u@h>;expires=60`; comma-separated lists are
 * handled element by element. Values already in name-addr form, `*` and
 * empty elements are kept as they are. In an addr-spec every `;` starts a
 * header parameter (§20.10), so the URI ends at the first `;`.
 */
export function bracketAddr(value: string): string {
  // Fast path: one element already bracketed (the common case).
  if (value.indexOf('<') >= 0 && value.indexOf(',') < 0) return value;
  const parts = splitList(value);
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const t = p.trim();
    if (t === '' || t === '*' || t.indexOf('<') >= 0 || t.indexOf('"') >= 0) continue;
    const semi = t.indexOf(';');
    parts[i] = semi < 0 ? `<${t}>` : `<${t.slice(0, semi).trimEnd()}>${t.slice(semi)}`;
    changed = true;
  }
  return changed ? parts.map((p) => p.trim()).join(', ') : value;
}

/** Splits on commas outside quoted strings and angle brackets. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (ch === '<') inAngle = true;
    else if (ch === '>') inAngle = false;
    else if (ch === ',' && !inAngle) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}
