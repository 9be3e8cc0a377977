/**
 * SIP/SIPS URIs (RFC 3261 §19.1). Parsing is shared with the registrar
 * (`@dragonpbx/shared`); formatting stays with the SIP server.
 */
import type { SipUri } from '@dragonpbx/shared/sip';
import { formatParams } from './params.js';

export { parseHostPort, parseUri, type SipUri } from '@dragonpbx/shared/sip';

/** `host` with brackets if it is an IPv6 literal. */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `host[:port]` with IPv6 brackets. */
export function formatHostPort(host: string, port?: number): string {
  return port === undefined ? formatHost(host) : `${formatHost(host)}:${port}`;
}

/** Formats a {@link SipUri} back to text. */
export function formatUri(uri: SipUri): string {
  if (uri.opaque !== undefined) return `${uri.scheme}:${uri.opaque}`;
  let s = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    s += uri.user;
    if (uri.password !== undefined) s += `:${uri.password}`;
    s += '@';
  }
  s += formatHostPort(uri.host, uri.port);
  s += formatParams(uri.params);
  if (uri.headers !== undefined) s += `?${uri.headers}`;
  return s;
}
