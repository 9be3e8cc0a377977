import { createHmac, randomUUID } from 'node:crypto';
import { decodeSigningSecret } from './signing-secret.js';

/** The Standard Webhooks request headers (a type alias so it fits any header record). */
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Computes `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` as the
 * Standard Webhooks spec defines it (symmetric "v1" scheme).
 * `key` is a secret string (see {@link decodeSigningSecret}) or key bytes.
 */
export function signWebhook(key: string | Buffer, id: string, timestampSec: number, body: string | Buffer): string {
  const bytes = typeof key === 'string' ? decodeSigningSecret(key) : key;
  // The body is signed as the exact bytes sent; a Buffer is never re-decoded.
  const mac = createHmac('sha256', bytes)
    .update(`${id}.${timestampSec}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('base64');
  return `v1,${mac}`;
}

/** A fresh message id in the `msg_…` style of the spec's examples. */
export function newWebhookId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}

/**
 * All three headers for one delivery. Pass a stable `id` when the same event
 * may be delivered again (retries), so the receiver can de-duplicate.
 */
export function signWebhookHeaders(
  key: string | Buffer,
  body: string | Buffer,
  options: { id?: string; nowMs?: number } = {},
): WebhookSignatureHeaders {
  const id = options.id ?? newWebhookId();
  const ts = Math.floor((options.nowMs ?? Date.now()) / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(key, id, ts, body) };
}
