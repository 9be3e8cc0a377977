/** A parsed Session-Expires value (RFC 4028 §4): `90;refresher=uac`. */
export interface SessionExpires {
  seconds: number;
  refresher: 'uac' | 'uas' | undefined;
}

/** Parses Session-Expires; undefined when absent or malformed. */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d{1,9})\s*(?:;(.*))?$/.exec(value);
  if (!m) return undefined;
  const r = /(?:^|;)\s*refresher\s*=\s*(uac|uas)\b/i.exec(m[2] ?? '');
  return { seconds: Number(m[1]), refresher: r ? (r[1]?.toLowerCase() as 'uac' | 'uas') : undefined };
}
