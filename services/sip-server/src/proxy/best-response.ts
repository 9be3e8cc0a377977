/**
 * RFC 3261 §16.7.6 best-response choice among final non-2xx responses: any
 * 6xx wins; else the lowest class, preferring 401/407/415/420/484 within 4xx
 * (they carry information the caller can act on); 503 becomes 500 (§16.7.6).
 */
export function responseRank(status: number): number {
  if (status >= 600) return 0;
  const cls = Math.floor(status / 100);
  const preferred = status === 401 || status === 407 || status === 415 || status === 420 || status === 484;
  return cls * 10 + (preferred ? 0 : 1);
}

/** Index of the best response status in `statuses`, or -1 when empty. */
export function bestResponseIndex(statuses: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < statuses.length; i++) {
    if (best < 0 || responseRank(statuses[i] as number) < responseRank(statuses[best] as number)) best = i;
  }
  return best;
}
