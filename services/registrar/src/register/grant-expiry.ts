/** The expiry asked for by one contact: its own `expires`, else the `Expires` header, else the default (RFC 3261 §10.3 step 6). */
export function requestedExpiry(contactExpires: number | undefined, headerExpires: number | undefined, defaultExpires: number): number {
  return contactExpires ?? headerExpires ?? defaultExpires;
}

/**
 * The expiry granted: the RegHook's `expires` when it gave one, else what was
 * requested, clamped to `[min, max]` (docs/contract.md §1.3 step 4). A request for 0
 * is a removal and never reaches here.
 */
export function grantExpiry(requested: number, hookExpires: number | undefined, min: number, max: number): number {
  const wanted = hookExpires !== undefined && hookExpires > 0 ? hookExpires : requested;
  return Math.min(max, Math.max(min, wanted));
}
