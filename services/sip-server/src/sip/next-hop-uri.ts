import { parseNameAddr } from './name-addr.js';
import type { SipRequest } from './sip-request.js';

/** §8.1.2: the first Route's URI when present, else the Request-URI. */
export function nextHopUri(req: SipRequest): string {
  const route = req.get('route');
  if (route !== undefined) {
    try {
      return parseNameAddr(route).uri;
    } catch {
      // fall back to the Request-URI
    }
  }
  return req.uri;
}
