/**
 * The dialog an attended transfer replaces (RFC 3891 §6.1): the `Replaces`
 * header embedded in a REFER's Refer-To URI (RFC 3515 §2.1, RFC 5589 §7).
 */
export interface Replaces {
  /** Call-ID of the dialog to replace: the transferor's dialog with the PBX on the other call. */
  readonly callId: string;
  /** `to-tag` as the transferor wrote it. */
  readonly toTag: string;
  /** `from-tag` as the transferor wrote it. */
  readonly fromTag: string;
}

/** Call-ID characters (RFC 3261 §25.1 `word` and `@`). */
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(?:@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;
/** Tag characters (RFC 3261 §25.1 `token`). */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * Reads the `Replaces` of a Refer-To URI's header part (`?h=v&…`, after the
 * host). `undefined` when there is none; a string saying what is wrong when
 * it is there but unreadable: not percent-decodable, a Call-ID or tag with
 * characters RFC 3261 does not allow, longer than 256/128 characters, a
 * missing `to-tag` or `from-tag` (both are mandatory, RFC 3891 §6.1), or
 * several `Replaces`. `early-only` is accepted and ignored: only a confirmed
 * dialog can be replaced here anyway.
 */
export function readReplaces(uriRest: string): Replaces | undefined | string {
  const q = uriRest.indexOf('?');
  if (q < 0) return undefined;
  const values = uriRest
    .slice(q + 1)
    .split('&')
    .filter((h) => /^replaces=/i.test(h))
    .map((h) => h.slice('replaces='.length));
  if (values.length === 0) return undefined;
  if (values.length > 1) return 'several Replaces in Refer-To';
  let decoded: string;
  try {
    decoded = decodeURIComponent(values[0]!);
  } catch {
    return 'Replaces is not percent-encoded properly';
  }
  const [callId, ...params] = decoded.split(';').map((p) => p.trim());
  if (callId === undefined || callId === '' || callId.length > 256 || !CALL_ID.test(callId)) return 'Replaces has no readable Call-ID';
  let toTag: string | undefined;
  let fromTag: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (name === 'to-tag' || name === 'from-tag') {
      if (value === '' || value.length > 128 || !TOKEN.test(value)) return `Replaces has an unreadable ${name}`;
      if (name === 'to-tag') toTag = value;
      else fromTag = value;
    }
  }
  if (toTag === undefined || fromTag === undefined) return 'Replaces needs both to-tag and from-tag';
  return { callId, toTag, fromTag };
}

/**
 * True when `dialog` is the one `r` names: same Call-ID and the same two tags.
 * RFC 3891 §3 reads the tags from the recipient's side; phones write them from
 * their own, so either order is accepted (the two tags of one dialog differ).
 */
export function namesDialog(r: Replaces, dialog: { readonly callId: string; readonly localTag: string; readonly remoteTag: string }): boolean {
  if (r.callId !== dialog.callId) return false;
  return (r.toTag === dialog.localTag && r.fromTag === dialog.remoteTag) || (r.toTag === dialog.remoteTag && r.fromTag === dialog.localTag);
}
