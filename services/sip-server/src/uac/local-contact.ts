import { formatHostPort } from '../sip/sip-uri.js';
import type { BoundContact } from '../transport/transport-types.js';

/** `host:port` we advertise for a listening point (external address when configured). */
export function localHostport(local: BoundContact): string {
  return formatHostPort(local.advertisedHost, local.port);
}

/** Our transport Contact URI: `sip:host:port[;transport=tcp]` (docs/drachtio-protocol.md §4.3; UDP omits the param, §4.15). */
export function contactUri(local: BoundContact): string {
  return `sip:${localHostport(local)}${local.protocol === 'udp' ? '' : `;transport=${local.protocol}`}`;
}

/** Via for a request we send from `local` (RFC 3261 §18.1.1, rport RFC 3581). */
export function viaFor(local: BoundContact, branch: string): string {
  return `SIP/2.0/${local.protocol.toUpperCase()} ${localHostport(local)};branch=${branch};rport`;
}
