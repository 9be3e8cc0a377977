/** A SIP response as a test UA received it. */
export interface SipReply {
  readonly status: number;
  readonly reason: string;
  readonly raw: string;
  /** First value of a header (case-insensitive), `undefined` when absent. */
  get(name: string): string | undefined;
  /** Every line of a header, in order. */
  all(name: string): string[];
}

/** Reads the status line and headers of a response text; never throws (status 0 when it is not one). */
export function parseReply(raw: string): SipReply {
  const [head = ''] = raw.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  const headers: [string, string][] = [];
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers.push([l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()]);
  }
  return {
    status: m ? Number(m[1]) : 0,
    reason: m?.[2] ?? '',
    raw,
    get: (n) => headers.find(([k]) => k === n.toLowerCase())?.[1],
    all: (n) => headers.filter(([k]) => k === n.toLowerCase()).map(([, v]) => v),
  };
}
