import { headerKey } from '../sip/compact-forms.js';

/** Canonical spelling of well-known headers (docs/drachtio-protocol.md §4.3). */
const CANONICAL: Readonly<Record<string, string>> = {
  via: 'Via',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  contact: 'Contact',
  'content-type': 'Content-Type',
  'content-length': 'Content-Length',
  'content-disposition': 'Content-Disposition',
  'content-encoding': 'Content-Encoding',
  'max-forwards': 'Max-Forwards',
  'user-agent': 'User-Agent',
  server: 'Server',
  subject: 'Subject',
  expires: 'Expires',
  'min-expires': 'Min-Expires',
  allow: 'Allow',
  'allow-events': 'Allow-Events',
  accept: 'Accept',
  require: 'Require',
  'proxy-require': 'Proxy-Require',
  supported: 'Supported',
  unsupported: 'Unsupported',
  event: 'Event',
  'subscription-state': 'Subscription-State',
  'www-authenticate': 'WWW-Authenticate',
  authorization: 'Authorization',
  'proxy-authenticate': 'Proxy-Authenticate',
  'proxy-authorization': 'Proxy-Authorization',
  'refer-to': 'Refer-To',
  'referred-by': 'Referred-By',
  replaces: 'Replaces',
  'session-expires': 'Session-Expires',
  'min-se': 'Min-SE',
  reason: 'Reason',
  privacy: 'Privacy',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  rack: 'RAck',
  rseq: 'RSeq',
  path: 'Path',
  warning: 'Warning',
  route: 'Route',
  'record-route': 'Record-Route',
  'retry-after': 'Retry-After',
  timestamp: 'Timestamp',
  organization: 'Organization',
  'call-info': 'Call-Info',
  'alert-info': 'Alert-Info',
  'error-info': 'Error-Info',
  'in-reply-to': 'In-Reply-To',
  date: 'Date',
};

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Headers an application may never set: the server owns them (docs/drachtio-protocol.md §4.3). */
export const IMMUTABLE_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'route',
  'record-route',
  'rseq',
  'content-length',
]);

/**
 * Name under which an app-supplied header is put on the wire: canonical for
 * well-known ones (compact forms expanded), unchanged for `X-*`, otherwise
 * capitalised after each dash. Undefined for an invalid token name.
 */
export function wireHeaderName(name: string): string | undefined {
  if (!TOKEN.test(name)) return undefined;
  const key = headerKey(name);
  const canonical = CANONICAL[key];
  if (canonical) return canonical;
  if (key.startsWith('x-')) return name;
  return name
    .split('-')
    .map((p) => (p.length > 0 ? (p[0] as string).toUpperCase() + p.slice(1) : p))
    .join('-');
}

/** True when a header value is safe to emit (no CR/LF injection). */
export function isSafeHeaderValue(value: string): boolean {
  return value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
}
