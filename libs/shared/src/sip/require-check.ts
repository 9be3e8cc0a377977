/**
 * The `Require` check of a UAS (RFC 3261 §8.2.2.3): a request that requires an
 * extension the element does not support is answered `420 Bad Extension`
 * with an `Unsupported` header listing those option-tags. ACK and CANCEL are
 * never checked: Require in them is ignored (§8.2.2.3, §9.2).
 */
import { SipError } from '../errors/sip-error.js';

/** A `Require` header: one value, several (repeated header lines), or none. */
export type RequireHeader = string | readonly string[] | undefined;

/**
 * Option-tags of `require` that are not in `supported`, in the order they were
 * written, without duplicates. Empty when the request may proceed. Tags are
 * compared case-insensitively (RFC 3261 §7.3.1: header tokens are not case-sensitive
 * unless stated otherwise).
 */
export function unsupportedOptionTags(method: string, require: RequireHeader, supported: readonly string[]): string[] {
  if (require === undefined) return [];
  const m = method.toUpperCase();
  if (m === 'ACK' || m === 'CANCEL') return [];
  const known = new Set(supported.map((t) => t.toLowerCase()));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of typeof require === 'string' ? [require] : require) {
    for (const raw of line.split(',')) {
      const tag = raw.trim();
      const key = tag.toLowerCase();
      if (tag === '' || known.has(key) || seen.has(key)) continue;
      seen.add(key);
      out.push(tag);
    }
  }
  return out;
}

/** `420 Bad Extension` listing `tags` in `Unsupported` (RFC 3261 §20.40). */
export function badExtension(tags: readonly string[]): SipError {
  return new SipError(420, 'Bad Extension', { Unsupported: tags.join(', ') });
}

/**
 * Throws {@link badExtension} when the request requires an option-tag not in
 * `supported`; returns normally otherwise. For handlers that map a thrown
 * {@link SipError} straight to a response.
 */
export function checkRequire(method: string, require: RequireHeader, supported: readonly string[]): void {
  const tags = unsupportedOptionTags(method, require, supported);
  if (tags.length > 0) throw badExtension(tags);
}
