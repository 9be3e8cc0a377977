import type { ContactStore, StoredContact } from '@dragonpbx/shared/state';
import type { RegistrarOptions } from '../registrar-options.js';
import { grantExpiry, requestedExpiry } from './grant-expiry.js';
import type { ParsedRegister } from './parse-register.js';
import type { RegistrationEvent } from './registration-event.js';
import type { RegistrationGrant } from './registration-grant.js';

/** The outcome of applying an authenticated REGISTER. */
export interface BindingsResult {
  /** Every current contact of the extension, for the 200 OK. */
  readonly contacts: readonly StoredContact[];
  /** Granted seconds for the `Expires` header (of the last contact added; 0 after removals only). */
  readonly expires: number;
  readonly events: readonly Omit<RegistrationEvent, 'instanceId' | 'timestamp'>[];
}

/**
 * Updates the extension's bindings in Redis (RFC 3261 §10.3 steps 6–8):
 * `*` clears them, a contact with expiry 0 is removed, any other is added
 * or refreshed for its clamped grant, evicting the oldest past `maxClients`.
 * A REGISTER with one contact to add or refresh costs one Redis round trip.
 */
export async function applyBindings(
  reg: ParsedRegister,
  grant: RegistrationGrant,
  options: RegistrarOptions,
  store: ContactStore,
): Promise<BindingsResult> {
  const base = { domain: reg.domain, user: reg.user, source: reg.source, callId: reg.callId, ...(reg.userAgent && { userAgent: reg.userAgent }) };
  const events: BindingsResult['events'][number][] = [];
  if (reg.contacts === '*') {
    const n = await store.clear(reg.domain, reg.user);
    if (n > 0) events.push({ ...base, type: 'unregistered', contact: '*', expires: 0 });
    return { contacts: [], expires: 0, events };
  }
  if (reg.contacts === undefined) {
    return { contacts: await store.list(reg.domain, reg.user), expires: 0, events };
  }
  let contacts: readonly StoredContact[] | undefined;
  let expires = 0;
  for (const c of reg.contacts) {
    const requested = requestedExpiry(c.expires, reg.expires, options.defaultExpires);
    if (requested === 0) {
      const before = contacts ?? (await store.list(reg.domain, reg.user));
      contacts = before;
      const existing = before.find((b) => b.uri === c.uri);
      // RFC 3261 §10.3 step 7: same Call-ID with a CSeq not above the stored one is an
      // out-of-order or replayed REGISTER; the binding stays as it is.
      if (existing && existing.callId === reg.callId && existing.cseq !== undefined && reg.cseq <= existing.cseq) {
        expires = Math.max(expires, existing.expiresIn);
        continue;
      }
      if (await store.remove(reg.domain, reg.user, c.uri)) events.push({ ...base, type: 'unregistered', contact: c.uri, expires: 0 });
      contacts = undefined;
      continue;
    }
    const granted = grantExpiry(requested, grant.expires, options.minExpires, options.maxExpires);
    // One round trip: the store applies the same step 7 check atomically before writing.
    const bound = await store.bind(
      reg.domain,
      reg.user,
      {
        uri: c.uri,
        source: reg.source,
        callId: reg.callId,
        cseq: reg.cseq,
        ...(reg.userAgent !== undefined && { userAgent: reg.userAgent }),
        ...(grant.dialplan !== undefined && { dialplan: grant.dialplan }),
        codecs: grant.codecs,
      },
      granted,
      Math.min(grant.maxClients, 100),
    );
    contacts = bound.contacts;
    if (!bound.applied) {
      expires = Math.max(expires, bound.contacts.find((b) => b.uri === c.uri)?.expiresIn ?? 0);
      continue;
    }
    expires = granted;
    events.push({ ...base, type: bound.known ? 'refreshed' : 'registered', contact: c.uri, expires: granted });
    for (const uri of bound.evicted) events.push({ ...base, type: 'evicted', contact: uri, expires: 0 });
  }
  return { contacts: contacts ?? (await store.list(reg.domain, reg.user)), expires, events };
}
