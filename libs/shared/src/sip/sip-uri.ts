/**
 * SIP/SIPS URIs (RFC 3261 §19.1). Other schemes (tel:, urn:, …) are kept
 * opaque in `opaque` with an empty host.
 */
import { type SipParams, parseParams } from './sip-params.js';
import { PBX_ERR_SIP_BAD_VALUE } from './sip-value-error.js';

export interface SipUri {
  /** Lower-cased scheme: `sip`, `sips`, or another scheme for opaque URIs. */
  scheme: string;
  user?: string;
  password?: string;
  /** Host as written; IPv6 references without brackets (`::1`). */
  host: string;
  port?: number;
  /** URI parameters (`;transport=tcp;lr`), lower-cased names. */
  params: SipParams;
  /** `?h=v&…` headers part, raw, without the `?`. */
  headers?: string;
  /** For non-SIP schemes: everything after `scheme:`. */
  opaque?: string;
}

const HOST_CHARS = /^[A-Za-z0-9.\-_]+$/;

/** Parses a URI; throws PBX_ERR_SIP_BAD_VALUE when malformed. */
export function parseUri(text: string): SipUri {
  const s = text.trim();
  const colon = s.indexOf(':');
  if (colon <= 0 || /[\s<>]/.test(s)) throw new PBX_ERR_SIP_BAD_VALUE('uri', text);
  const scheme = s.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new PBX_ERR_SIP_BAD_VALUE('uri', text);
  const rest = s.slice(colon + 1);
  if (scheme !== 'sip' && scheme !== 'sips') return { scheme, host: '', params: {}, opaque: rest };

  // The user part may contain `?` and `;` (RFC 3261 §25.1 user-unreserved) but
  // never an unescaped `@`, which headers may not contain either: so userinfo
  // ends at the last `@`, and URI headers start at the first `?` after it.
  let hostPart = rest;
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = pc >= 0 ? userinfo.slice(0, pc) : userinfo;
    if (pc >= 0) password = userinfo.slice(pc + 1);
    if (!user) throw new PBX_ERR_SIP_BAD_VALUE('uri', text);
  }
  let headers: string | undefined;
  const q = hostPart.indexOf('?');
  if (q >= 0) {
    headers = hostPart.slice(q + 1);
    hostPart = hostPart.slice(0, q);
  }
  const semi = hostPart.indexOf(';');
  const hostport = semi >= 0 ? hostPart.slice(0, semi) : hostPart;
  const params = semi >= 0 ? parseParams(hostPart.slice(semi + 1)) : {};
  if (!params) throw new PBX_ERR_SIP_BAD_VALUE('uri', text);
  const { host, port } = parseHostPort(hostport, text);
  const uri: SipUri = { scheme, host, params };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  if (headers !== undefined) uri.headers = headers;
  return uri;
}

/** Parses `host[:port]` with IPv6 references in brackets; the host is returned without brackets. */
export function parseHostPort(hostport: string, context = hostport): { host: string; port?: number } {
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new PBX_ERR_SIP_BAD_VALUE('host', context);
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after) {
      if (!after.startsWith(':')) throw new PBX_ERR_SIP_BAD_VALUE('host', context);
      portText = after.slice(1);
    }
    if (!/^[0-9A-Fa-f:.]+$/.test(host)) throw new PBX_ERR_SIP_BAD_VALUE('host', context);
  } else {
    const c = hostport.indexOf(':');
    host = c >= 0 ? hostport.slice(0, c) : hostport;
    if (c >= 0) portText = hostport.slice(c + 1);
    if (!host || !HOST_CHARS.test(host)) throw new PBX_ERR_SIP_BAD_VALUE('host', context);
  }
  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText)) throw new PBX_ERR_SIP_BAD_VALUE('port', context);
  const port = Number(portText);
  if (port > 65535) throw new PBX_ERR_SIP_BAD_VALUE('port', context);
  return { host, port };
}
