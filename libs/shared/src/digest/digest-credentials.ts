import { parseAuthHeader } from './auth-header-syntax.js';
import { PBX_ERR_DIGEST_HEADER_INVALID } from './digest-errors.js';

/** The parameters of an `Authorization`/`Proxy-Authorization: Digest …` header (RFC 7616 §3.4). */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  /** As sent; `undefined` means MD5 (RFC 2617 §3.2.1). */
  readonly algorithm?: string;
  readonly qop?: 'auth';
  /** Nonce count, 8 hex digits, present with `qop`. */
  readonly nc?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
}

const NC = /^[0-9a-fA-F]{8}$/;
const HEX = /^[0-9a-fA-F]+$/;

/**
 * Parses the value of an `Authorization` or `Proxy-Authorization` header.
 * Requires the Digest scheme and username/realm/nonce/uri/response; with
 * `qop` also `nc` (8 hex digits) and `cnonce` (RFC 7616 §3.4). Only
 * `qop=auth` is accepted since only `auth` is ever offered. Throws
 * `PBX_ERR_DIGEST_HEADER_INVALID` naming `headerName` and the defect.
 *
 * A UA may send credentials for several realms; drachtio-srf joins repeated
 * headers with commas, so they arrive as one value. Pass `realm` to pick the
 * block for that realm; without it, more than one block is an error.
 */
export function parseDigestCredentials(value: string, headerName = 'Authorization', realm?: string): DigestCredentials {
  const fail = (why: string): never => {
    throw new PBX_ERR_DIGEST_HEADER_INVALID(headerName, why);
  };
  let blocks = parseAuthHeader(value, headerName);
  if (blocks.length > 1 && realm !== undefined) {
    blocks = blocks.filter((b) => b.scheme.toLowerCase() === 'digest' && b.params.realm === realm);
    if (blocks.length === 0) fail(`no credentials for realm "${realm}"`);
  }
  const { scheme, params } = blocks[0]!;
  if (scheme.toLowerCase() !== 'digest') fail(`scheme "${scheme}" is not Digest`);
  if (blocks.length !== 1) fail(`expected one credentials block, got ${blocks.length}`);
  const required = (name: string): string => {
    const v = params[name];
    if (v === undefined || v === '') fail(`missing ${name}`);
    return v!;
  };
  const username = required('username');
  const blockRealm = params.realm ?? fail('missing realm');
  const nonce = required('nonce');
  const uri = required('uri');
  const response = required('response');
  if (!HEX.test(response)) fail('response is not hex');
  const out: {
    -readonly [K in keyof DigestCredentials]: DigestCredentials[K];
  } = { username, realm: blockRealm, nonce, uri, response };
  if (params.algorithm !== undefined) out.algorithm = params.algorithm;
  if (params.opaque !== undefined) out.opaque = params.opaque;
  if (params.qop !== undefined) {
    if (params.qop.toLowerCase() !== 'auth') fail(`qop "${params.qop}" is not supported`);
    const nc = required('nc');
    if (!NC.test(nc)) fail('nc is not 8 hex digits');
    out.qop = 'auth';
    out.nc = nc.toLowerCase();
    out.cnonce = required('cnonce');
  } else if (params.nc !== undefined || params.cnonce !== undefined) {
    fail('nc/cnonce without qop');
  }
  return Object.freeze(out);
}
