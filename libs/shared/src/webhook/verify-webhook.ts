import { timingSafeEqual } from 'node:crypto';
import { signWebhook } from './sign-webhook.js';
import { decodeSigningSecret } from './signing-secret.js';
import {
  PBX_ERR_WEBHOOK_HEADER_MISSING,
  PBX_ERR_WEBHOOK_SIGNATURE,
  PBX_ERR_WEBHOOK_TIMESTAMP,
} from './webhook-errors.js';

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * Largest accepted difference between `webhook-timestamp` and now, both
   * ways, in seconds: old messages are replays, far-future ones are forged.
   * @defaultValue 300
   */
  toleranceSec?: number;
  /** The current time (ms); for tests. @defaultValue `Date.now()` */
  nowMs?: number;
}

/** Header values as Node's `IncomingMessage.headers`, a fetch `Headers`, or a plain object. */
export type HeaderSource =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null | undefined };

/**
 * Verifies a Dragon PBX webhook request (Standard Webhooks, symmetric v1).
 * `body` must be the raw request body exactly as received, not re-serialised JSON.
 * Returns the verified `webhook-id` (use it to drop duplicates).
 *
 * @throws PBX_ERR_WEBHOOK_HEADER_MISSING when a `webhook-*` header is absent
 * @throws PBX_ERR_WEBHOOK_TIMESTAMP when the timestamp is malformed or outside the tolerance
 * @throws PBX_ERR_WEBHOOK_SIGNATURE when no `v1` signature matches
 * @throws PBX_ERR_WEBHOOK_SECRET_INVALID when the secret itself is unusable
 */
export function verifyWebhook(
  secret: string,
  headers: HeaderSource,
  body: string | Buffer,
  options: VerifyWebhookOptions = {},
): { id: string; timestamp: number } {
  const key = decodeSigningSecret(secret);
  const id = header(headers, 'webhook-id');
  const tsText = header(headers, 'webhook-timestamp');
  const sigText = header(headers, 'webhook-signature');

  if (!/^\d{1,15}$/.test(tsText)) throw new PBX_ERR_WEBHOOK_TIMESTAMP(`${JSON.stringify(tsText)} is not Unix seconds`);
  const timestamp = Number(tsText);
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const tolerance = options.toleranceSec ?? 300;
  if (timestamp < now - tolerance) throw new PBX_ERR_WEBHOOK_TIMESTAMP('too old');
  if (timestamp > now + tolerance) throw new PBX_ERR_WEBHOOK_TIMESTAMP('too far in the future');

  const expected = Buffer.from(signWebhook(key, id, timestamp, body).slice(3), 'base64');
  // Several space-separated "<version>,<signature>" entries may be sent (key
  // rotation); any matching v1 entry is enough. Other versions are ignored.
  let match = false;
  for (const entry of sigText.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    // timingSafeEqual needs equal lengths; the length of an HMAC is public.
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  if (!match) throw new PBX_ERR_WEBHOOK_SIGNATURE();
  return { id, timestamp };
}

function header(headers: HeaderSource, name: string): string {
  let v: string | string[] | null | undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    v = (headers as { get(n: string): string | null | undefined }).get(name);
  } else {
    const rec = headers as Record<string, string | string[] | undefined>;
    v = rec[name] ?? Object.entries(rec).find(([k]) => k.toLowerCase() === name)?.[1];
  }
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string' || s.trim() === '') throw new PBX_ERR_WEBHOOK_HEADER_MISSING(name);
  return s.trim();
}
