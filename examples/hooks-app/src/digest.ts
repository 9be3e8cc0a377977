import { createHash } from 'node:crypto';

/** The digest fields a RegHook request carries (see the RegHook body in the docs). */
export interface DigestFields {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  method: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

const hashName = (algorithm = 'MD5'): 'md5' | 'sha256' =>
  algorithm.toUpperCase().startsWith('SHA-256') ? 'sha256' : 'md5';

/**
 * Checks a digest response the way RFC 2617 §3.2.2.1 / RFC 7616 §3.4.1 compute it.
 * A RegHook receives the client's digest fields and must do this itself: the PBX
 * never sees the password.
 */
export function checkDigest(d: DigestFields, password: string): boolean {
  const alg = hashName(d.algorithm);
  const h = (s: string) => createHash(alg).update(s).digest('hex');
  const ha1 = h(`${d.username}:${d.realm}:${password}`);
  const ha2 = h(`${d.method}:${d.uri}`);
  const expected =
    d.qop === 'auth' ? h(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:auth:${ha2}`) : h(`${ha1}:${d.nonce}:${ha2}`);
  return expected === d.response;
}
