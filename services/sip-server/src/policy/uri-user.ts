/**
 * Extracts the user part of the URI in a From/To header value (name-addr or
 * addr-spec, RFC 3261 §20.20/§20.39), e.g. `"Bob" <sip:bob@host>;tag=1` → `bob`.
 * Returns `undefined` when the URI has no user part. Deliberately tolerant:
 * the policy runs before any application sees the request and must never throw.
 */
export function uriUserOf(headerValue: string): string | undefined {
  let uri = headerValue;
  const lt = headerValue.indexOf('<');
  if (lt >= 0) {
    const gt = headerValue.indexOf('>', lt + 1);
    uri = headerValue.slice(lt + 1, gt < 0 ? undefined : gt);
  } else {
    // addr-spec form: header parameters start at the first ';' (§20.10).
    const semi = uri.indexOf(';');
    if (semi >= 0) uri = uri.slice(0, semi);
  }
  const colon = uri.indexOf(':');
  if (colon < 0) return undefined;
  const rest = uri.slice(colon + 1);
  const at = rest.indexOf('@');
  if (at <= 0) return undefined;
  const userinfo = rest.slice(0, at);
  // userinfo may carry ":password" (§19.1.1); the user is what precedes it.
  const pw = userinfo.indexOf(':');
  return (pw >= 0 ? userinfo.slice(0, pw) : userinfo).trim();
}
