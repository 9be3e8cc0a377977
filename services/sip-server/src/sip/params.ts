/**
 * `;name[=value]` parameter lists (RFC 3261 §25.1). Parsing is shared with the
 * registrar and lives in `@dragonpbx/shared`; formatting stays with the SIP
 * server, which is the only writer of these headers.
 */
import type { SipParams } from '@dragonpbx/shared/sip';

export { parseParams, splitOutsideQuotes, type SipParams } from '@dragonpbx/shared/sip';

/** Formats params back to `;a=1;b`. */
export function formatParams(params: SipParams): string {
  let s = '';
  for (const [k, v] of Object.entries(params)) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}
