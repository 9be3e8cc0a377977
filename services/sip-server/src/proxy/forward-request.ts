import { headerKey } from '../sip/compact-forms.js';
import type { SipHeader } from '../sip/sip-header.js';
import { newBranch } from '../sip/random-token.js';
import { SipRequest } from '../sip/sip-request.js';
import type { BoundContact } from '../transport/transport-types.js';
import { IMMUTABLE_HEADERS, isSafeHeaderValue, wireHeaderName } from '../drachtio/header-names.js';
import { contactUri, viaFor } from '../uac/local-contact.js';

export interface ForwardOptions {
  uri: string;
  local: BoundContact;
  recordRoute: boolean;
  /** Drop every Route header (preloaded route to us, docs/drachtio-protocol.md §4.13). */
  stripRoutes: boolean;
  /** Extra headers the app asked for. */
  extra?: readonly SipHeader[];
}

/**
 * Copy of `req` to forward (RFC 3261 §16.6): new Request-URI, Max-Forwards
 * decremented (70 when absent), optional Record-Route, our Via on top, the
 * app's extra headers appended. Header order and spelling of the rest are kept.
 */
export function forwardRequest(req: SipRequest, opts: ForwardOptions): SipRequest {
  const out = new SipRequest(req.method, opts.uri);
  let mf = false;
  for (const h of req.headers) {
    const key = headerKey(h.name);
    if (key === 'route' && opts.stripRoutes) continue;
    if (key === 'max-forwards') {
      const n = Number.parseInt(h.value, 10);
      out.append(h.name, String(Number.isFinite(n) && n > 0 ? n - 1 : 0));
      mf = true;
      continue;
    }
    if (key === 'content-length') continue;
    out.append(h.name, h.value);
  }
  if (!mf) out.append('Max-Forwards', '70');
  for (const h of opts.extra ?? []) {
    const key = headerKey(h.name);
    if (IMMUTABLE_HEADERS.has(key) || key === 'max-forwards') continue;
    const name = wireHeaderName(h.name);
    if (name === undefined || !isSafeHeaderValue(h.value)) continue;
    out.append(name, h.value);
  }
  // §16.6 step 4: our Record-Route goes on top of any existing ones.
  if (opts.recordRoute) out.prepend('Record-Route', `<${contactUri(opts.local)};lr>`);
  // §16.6 step 8: our Via goes on top.
  out.prepend('Via', viaFor(opts.local, newBranch()));
  out.body = req.body;
  return out;
}
