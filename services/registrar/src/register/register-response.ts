import type { StoredContact } from '@dragonpbx/shared/state';

/** `Contact` of a 200 OK: every current binding with its remaining seconds (RFC 3261 §10.3 step 8). */
export function contactHeader(contacts: readonly StoredContact[]): string | undefined {
  if (contacts.length === 0) return undefined;
  return contacts.map((c) => `<${c.uri}>;expires=${c.expiresIn}`).join(', ');
}

/**
 * Header lines for a 401. drachtio-srf folds repeated headers into one
 * comma-joined line, which RFC 3261 §7.3.1 does not allow for
 * WWW-Authenticate, so each further challenge starts its own line.
 */
export function challengeHeaders(challenges: readonly string[]): Record<string, string> {
  return { 'WWW-Authenticate': challenges.join('\r\nWWW-Authenticate: ') };
}
