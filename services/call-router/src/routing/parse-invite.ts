import { parseSipUri } from '@dragonpbx/shared/srf';
import { PBX_ERR_INVITE_INVALID } from '../call-router-errors.js';
import type { InviteInfo } from './invite-info.js';

/** What {@link parseInvite} reads of a drachtio-srf request; tests pass a plain object. */
export interface InviteSource {
  readonly uri: string;
  readonly source_address: string;
  readonly source_port: number;
  /** drachtio-srf's parsed header map (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  get(name: string): string | undefined;
}

/** Headers never copied into the CallHook body: credentials stay out of hook apps and logs. */
const HIDDEN = new Set(['authorization', 'proxy-authorization']);

/** The URI inside a name-addr (`"Bob" <sip:1000@d>;tag=x`) or addr-spec (`sip:1000@d;tag=x`). */
function uriOf(header: string): string {
  const lt = header.indexOf('<');
  if (lt >= 0) {
    const gt = header.indexOf('>', lt);
    return gt > lt ? header.slice(lt + 1, gt) : '';
  }
  const semi = header.indexOf(';');
  return (semi >= 0 ? header.slice(0, semi) : header).trim();
}

function userOf(header: string | undefined, name: string): string {
  if (header === undefined || header.trim() === '') throw new PBX_ERR_INVITE_INVALID(`missing ${name}`);
  const uri = parseSipUri(uriOf(header));
  if (uri === undefined) throw new PBX_ERR_INVITE_INVALID(`${name} URI is not a SIP URI`);
  return uri.user ?? '';
}

/**
 * Parses the parts of an INVITE the routing chain needs. Throws
 * `PBX_ERR_INVITE_INVALID` (answered 400) for a Request-URI, From or To that
 * is not a SIP URI, or a missing Call-ID.
 */
export function parseInvite(req: InviteSource): InviteInfo {
  const ruri = parseSipUri(req.uri);
  if (ruri === undefined || ruri.host === undefined || ruri.host === '') throw new PBX_ERR_INVITE_INVALID('Request-URI is not a SIP URI');
  const callId = req.get('Call-ID');
  if (callId === undefined || callId.trim() === '') throw new PBX_ERR_INVITE_INVALID('missing Call-ID');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HIDDEN.has(name.toLowerCase()) && typeof value === 'string') headers[name] = value;
  }
  const regId = ruri.params['x-regid'] ?? ruri.params['reg-id'];
  const authorization = req.get('Authorization');
  return Object.freeze({
    domain: ruri.host.toLowerCase(),
    from: userOf(req.get('From'), 'From'),
    to: userOf(req.get('To'), 'To'),
    callId: callId.trim(),
    sourceIp: req.source_address,
    sourcePort: req.source_port,
    ...(typeof regId === 'string' && regId !== '' && { regId }),
    ...(authorization !== undefined && authorization !== '' && { authorization }),
    headers: Object.freeze(headers),
  });
}
