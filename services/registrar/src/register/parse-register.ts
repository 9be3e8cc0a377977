import { type SipTransport, SIP_TRANSPORTS } from '@dragonpbx/shared/state';
import { parseNameAddr, parseUri } from '@dragonpbx/shared/sip';
import { PBX_ERR_REGISTER_INVALID } from '../registrar-errors.js';
import { type RequestedContact, parseContacts } from './parse-contacts.js';
import type { RegisterMessage } from './register-message.js';

/** A REGISTER reduced to what the registrar acts on. */
export interface ParsedRegister {
  /** Request-URI host, lower-cased: the domain (docs/contract.md §2.1). */
  readonly domain: string;
  /** User part of the To URI: the extension whose bindings change (RFC 3261 §10.3 step 5). */
  readonly user: string;
  /** `*`, the contacts to bind, or `undefined` for a query. */
  readonly contacts: '*' | readonly RequestedContact[] | undefined;
  /** The `Expires` header, if present. */
  readonly expires?: number;
  readonly callId: string;
  readonly cseq: number;
  readonly userAgent?: string;
  readonly authorization?: string;
  readonly source: { readonly ip: string; readonly port: number; readonly transport: SipTransport };
}

const SAFE_USER = /^[^\s{}]{1,128}$/;

/** Host of a SIP URI, lower-cased, IPv6 without brackets; throws `PBX_ERR_REGISTER_INVALID`. */
export function uriHost(uri: string): string {
  let host = '';
  try {
    host = parseUri(uri).host;
  } catch {
    // reported below
  }
  if (!host) throw new PBX_ERR_REGISTER_INVALID(`Request-URI "${uri.slice(0, 80)}" has no host`);
  return host.toLowerCase();
}

/** The user part of the To URI, %-decoded (RFC 3261 §10.3 step 5, §19.1.2). */
function toUser(to: string): string {
  let raw: string | undefined;
  try {
    raw = parseUri(parseNameAddr(to).uri).user;
  } catch {
    // reported below
  }
  if (!raw) throw new PBX_ERR_REGISTER_INVALID('To has no user part');
  let user: string;
  try {
    user = decodeURIComponent(raw);
  } catch {
    throw new PBX_ERR_REGISTER_INVALID('To user has bad %-escapes');
  }
  if (!SAFE_USER.test(user)) throw new PBX_ERR_REGISTER_INVALID('To user is empty, too long or contains spaces/braces');
  return user;
}

/** Reads a REGISTER; throws `PBX_ERR_REGISTER_INVALID` (answered 400) for anything malformed. */
export function parseRegister(msg: RegisterMessage): ParsedRegister {
  const domain = uriHost(msg.uri);
  const to = msg.get('To');
  if (!to) throw new PBX_ERR_REGISTER_INVALID('missing To');
  const user = toUser(to);
  const callId = msg.get('Call-ID');
  if (!callId) throw new PBX_ERR_REGISTER_INVALID('missing Call-ID');
  const cseq = Number.parseInt(msg.get('CSeq') ?? '', 10);
  if (!Number.isInteger(cseq) || cseq < 0) throw new PBX_ERR_REGISTER_INVALID('bad CSeq');
  let expires: number | undefined;
  const rawExpires = msg.get('Expires');
  if (rawExpires !== undefined) {
    if (!/^\s*\d{1,10}\s*$/.test(rawExpires)) throw new PBX_ERR_REGISTER_INVALID(`Expires "${rawExpires.slice(0, 20)}" is not a number of seconds`);
    expires = Number(rawExpires);
  }
  const contacts = parseContacts(msg.get('Contact'));
  // RFC 3261 §10.3 step 6: "*" is only valid with Expires: 0.
  if (contacts === '*' && expires !== 0) throw new PBX_ERR_REGISTER_INVALID('Contact "*" requires Expires: 0');
  const transport = (msg.protocol ?? 'udp').toLowerCase() as SipTransport;
  const source = {
    ip: msg.source_address,
    port: Number(msg.source_port),
    transport: SIP_TRANSPORTS.includes(transport) ? transport : 'udp',
  } as const;
  const userAgent = msg.get('User-Agent');
  const authorization = msg.get('Authorization');
  return Object.freeze({
    domain,
    user,
    contacts,
    callId,
    cseq,
    source,
    ...(expires !== undefined && { expires }),
    ...(userAgent !== undefined && { userAgent }),
    ...(authorization !== undefined && authorization.trim() !== '' && { authorization }),
  });
}
