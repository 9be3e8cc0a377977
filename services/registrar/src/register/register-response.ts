import type { StoredContact } from '@dragonpbx/shared/state';

/** `Contact` of a 200 OK: every current binding with its remaining seconds (RFC 3261 §10.3 step 8). */
export function contactHeader(contacts: readonly StoredContact[]): string | undefined {
  if (contacts.length === 0) return undefined;
  return contacts.map((c) => `<${c.uri}>;expires=${c.expiresIn}`).join(', ');
}

export { challengeHeaders } from '@dragonpbx/shared/sip';
