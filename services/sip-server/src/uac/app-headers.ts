import { IMMUTABLE_HEADERS, isSafeHeaderValue, wireHeaderName } from '../drachtio/header-names.js';
import { bracketAddr } from '../sip/bracket-addr.js';
import { headerKey } from '../sip/compact-forms.js';
import type { SipMessage } from '../sip/sip-message.js';
import { replaceLocalhost } from '../uas/build-response.js';

/** Headers whose `@localhost` is rewritten to our host:port (docs/drachtio-protocol.md §4.3). */
const LOCALHOST_HEADERS = new Set(['from', 'to', 'contact', 'p-asserted-identity']);

/** Headers written in name-addr form whatever form the app used. */
const ADDR_HEADERS = new Set(['contact', 'route', 'record-route']);

/**
 * Appends the app's headers to `out` except `skip` and the immutable ones,
 * with wire names canonicalised, unsafe lines dropped and `@localhost`
 * rewritten (docs/drachtio-protocol.md §4.3). Returns the lower-case keys that were copied.
 */
export function copyAppHeaders(
  app: SipMessage,
  out: SipMessage,
  skip: ReadonlySet<string>,
  hostport: string,
): Set<string> {
  const copied = new Set<string>();
  for (const h of app.headers) {
    const key = headerKey(h.name);
    if (skip.has(key) || IMMUTABLE_HEADERS.has(key)) continue;
    const name = wireHeaderName(h.name);
    if (name === undefined || !isSafeHeaderValue(h.value)) continue;
    let value = LOCALHOST_HEADERS.has(key) ? replaceLocalhost(h.value, hostport) : h.value;
    if (ADDR_HEADERS.has(key)) value = bracketAddr(value);
    out.append(name, value);
    copied.add(key);
  }
  return copied;
}
