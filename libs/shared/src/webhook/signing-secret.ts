import { PBX_ERR_WEBHOOK_SECRET_INVALID } from './webhook-errors.js';

const PREFIX = 'whsec_';

/**
 * Turns a configured secret into HMAC key bytes.
 *
 * - `whsec_<base64>`: the Standard Webhooks form; the part after the prefix is
 *   base64-decoded, exactly as the official libraries do, so a hook author can
 *   hand the same string to any Standard Webhooks verifier.
 * - anything else: the raw UTF-8 bytes of the string. This is a deliberate
 *   choice so an operator can use any passphrase as `HOOK_SIGNING_SECRET`.
 *   Note the official libraries base64-decode an unprefixed secret too, so for
 *   interoperability with them use a `whsec_` secret; {@link verifyWebhook}
 *   applies the same rule as the signer.
 *
 * @throws PBX_ERR_WEBHOOK_SECRET_INVALID on an empty secret or bad base64
 */
export function decodeSigningSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new PBX_ERR_WEBHOOK_SECRET_INVALID('empty');
  }
  if (!secret.startsWith(PREFIX)) return Buffer.from(secret, 'utf8');
  const b64 = secret.slice(PREFIX.length);
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw new PBX_ERR_WEBHOOK_SECRET_INVALID('whsec_ must be followed by base64');
  }
  return Buffer.from(b64, 'base64');
}
