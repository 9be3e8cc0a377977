/**
 * Via header values (RFC 3261 §20.42, §18.2.1; rport RFC 3581).
 * `SIP / 2.0 / UDP host:port;branch=z9hG4bK…;rport;received=…` — LWS is
 * allowed around `/` and `:` (RFC 4475 §3.1.1.1), so it is tolerated.
 */
import { PBX_ERR_SIP_BAD_VALUE } from './errors.js';
import { type SipParams, formatParams, parseParams } from './params.js';
import { formatHostPort, parseHostPort } from './sip-uri.js';

/** RFC 3261 §8.1.1.7: branches of compliant implementations start with this. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface Via {
  /** Upper-cased transport token: `UDP`, `TCP`, `TLS`, `WS`, … */
  protocol: string;
  /** sent-by host without IPv6 brackets. */
  host: string;
  port?: number;
  params: SipParams;
  branch?: string;
  /** undefined: no rport; null: `;rport` without value; number: filled in. */
  rport?: number | null;
  received?: string;
}

const LWS = /\s/;
const TRANSPORT = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Parses one Via element; throws PBX_ERR_SIP_BAD_VALUE when malformed. */
export function parseVia(value: string): Via {
  const semi = value.indexOf(';');
  const head = semi >= 0 ? value.slice(0, semi) : value;
  let protocol: string;
  let hostport: string;
  // Fast path for the canonical `SIP/2.0/UDP host:port` (no LWS anywhere);
  // everything else goes through the tolerant expression below.
  const sp = head.startsWith('SIP/2.0/') ? head.indexOf(' ', 8) : -1;
  if (sp > 8 && sp + 1 < head.length && !LWS.test(head.slice(sp + 1)) && TRANSPORT.test(head.slice(8, sp))) {
    protocol = head.slice(8, sp);
    hostport = head.slice(sp + 1);
  } else {
    const m = /^\s*SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(\S(?:.*\S)?)\s*$/i.exec(head);
    if (!m) throw new PBX_ERR_SIP_BAD_VALUE('Via', value);
    protocol = m[1]!;
    hostport = m[2]!.replace(/\s*:\s*/, ':');
  }
  const { host, port } = parseHostPort(hostport, value);
  const params = semi >= 0 ? parseParams(value.slice(semi + 1)) : {};
  if (!params) throw new PBX_ERR_SIP_BAD_VALUE('Via', value);
  const via: Via = { protocol: protocol.toUpperCase(), host, params };
  if (port !== undefined) via.port = port;
  if (params.branch) via.branch = params.branch;
  if ('rport' in params) {
    const r = params.rport;
    if (r === null || r === '') via.rport = null;
    else if (/^\d{1,5}$/.test(r!)) via.rport = Number(r);
    else throw new PBX_ERR_SIP_BAD_VALUE('Via rport', value);
  }
  if (params.received) via.received = params.received;
  return via;
}

/** Formats a Via (params taken from `params`, with branch/rport/received overriding). */
export function formatVia(via: Via): string {
  const params: SipParams = { ...via.params };
  if (via.branch !== undefined) params.branch = via.branch;
  if (via.received !== undefined) params.received = via.received;
  if (via.rport !== undefined) params.rport = via.rport === null ? null : String(via.rport);
  return `SIP/2.0/${via.protocol} ${formatHostPort(via.host, via.port)}${formatParams(params)}`;
}
