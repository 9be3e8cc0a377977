import { describe, expect, it } from 'vitest';
import { signWebhook, signWebhookHeaders } from '../src/webhook/sign-webhook.js';
import { decodeSigningSecret } from '../src/webhook/signing-secret.js';
import { verifyWebhook } from '../src/webhook/verify-webhook.js';

// Published example of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorHeaders = {
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': VECTOR.signature,
};
const atVector = { nowMs: VECTOR.timestamp * 1000 };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('Standard Webhooks signing', () => {
  it('reproduces the published test vector', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, atVector)).toEqual({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
  });

  it('uses raw UTF-8 bytes for a secret without the whsec_ prefix', () => {
    expect(decodeSigningSecret('pässword').equals(Buffer.from('pässword', 'utf8'))).toBe(true);
    expect(decodeSigningSecret(VECTOR.secret).toString('base64')).toBe('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    // same characters, different key: the unprefixed string is not base64-decoded
    expect(signWebhook('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', VECTOR.id, VECTOR.timestamp, VECTOR.body)).not.toBe(VECTOR.signature);
    expect(codeOf(() => decodeSigningSecret(''))).toBe('PBX_ERR_WEBHOOK_SECRET_INVALID');
    expect(codeOf(() => decodeSigningSecret('whsec_'))).toBe('PBX_ERR_WEBHOOK_SECRET_INVALID');
    expect(codeOf(() => decodeSigningSecret('whsec_not base64!'))).toBe('PBX_ERR_WEBHOOK_SECRET_INVALID');
  });

  it('round-trips signWebhookHeaders → verifyWebhook, also with a plain passphrase and a Headers object', () => {
    const body = JSON.stringify({ event: 'call:start', from: 'Ünïcode' });
    const h = signWebhookHeaders('correct horse', body, { id: 'evt-1' });
    expect(h['webhook-id']).toBe('evt-1');
    expect(verifyWebhook('correct horse', h, body).id).toBe('evt-1');
    expect(verifyWebhook('correct horse', new Headers({ ...h }), Buffer.from(body)).id).toBe('evt-1');
    // Node lower-cases header names but a hand-built object may not
    const mixed = { 'Webhook-Id': h['webhook-id'], 'WEBHOOK-TIMESTAMP': h['webhook-timestamp'], 'webhook-signature': h['webhook-signature'] };
    expect(verifyWebhook('correct horse', mixed, body).id).toBe('evt-1');
    expect(signWebhookHeaders('k', body)['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('signs raw body bytes, so a non-UTF-8 body verifies byte for byte', () => {
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const h = signWebhookHeaders('k', raw, { id: 'bin' });
    expect(verifyWebhook('k', h, raw).id).toBe('bin');
    expect(() => verifyWebhook('k', h, raw.toString('utf8'))).toThrow(/no matching/);
  });

  it('rejects a tampered body, id or timestamp, and a wrong secret', () => {
    const ok = () => verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, atVector);
    expect(ok).not.toThrow();
    expect(codeOf(() => verifyWebhook(VECTOR.secret, vectorHeaders, '{"test": 2432232315}', atVector))).toBe('PBX_ERR_WEBHOOK_SIGNATURE');
    expect(codeOf(() => verifyWebhook(VECTOR.secret, { ...vectorHeaders, 'webhook-id': 'msg_other' }, VECTOR.body, atVector))).toBe(
      'PBX_ERR_WEBHOOK_SIGNATURE',
    );
    const ts = String(VECTOR.timestamp + 1);
    expect(codeOf(() => verifyWebhook(VECTOR.secret, { ...vectorHeaders, 'webhook-timestamp': ts }, VECTOR.body, atVector))).toBe(
      'PBX_ERR_WEBHOOK_SIGNATURE',
    );
    expect(codeOf(() => verifyWebhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA', vectorHeaders, VECTOR.body, atVector))).toBe(
      'PBX_ERR_WEBHOOK_SIGNATURE',
    );
  });

  it('accepts any matching v1 among several space-separated signatures, ignores other versions', () => {
    const sig = VECTOR.signature.slice(3);
    const several = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,${sig} v1a,${sig} garbage ${VECTOR.signature}`;
    expect(() => verifyWebhook(VECTOR.secret, { ...vectorHeaders, 'webhook-signature': several }, VECTOR.body, atVector)).not.toThrow();
    const noV1 = `v2,${sig} v1,${sig.slice(0, 10)} v1,`;
    expect(codeOf(() => verifyWebhook(VECTOR.secret, { ...vectorHeaders, 'webhook-signature': noV1 }, VECTOR.body, atVector))).toBe(
      'PBX_ERR_WEBHOOK_SIGNATURE',
    );
  });

  it('enforces the timestamp tolerance both ways and rejects malformed timestamps', () => {
    const at = (deltaSec: number, toleranceSec?: number) =>
      codeOf(() =>
        verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, {
          nowMs: (VECTOR.timestamp + deltaSec) * 1000,
          ...(toleranceSec ? { toleranceSec } : {}),
        }),
      );
    expect(at(300)).toBeUndefined();
    expect(at(-300)).toBeUndefined();
    expect(at(301)).toBe('PBX_ERR_WEBHOOK_TIMESTAMP');
    expect(at(-301)).toBe('PBX_ERR_WEBHOOK_TIMESTAMP');
    expect(at(20, 10)).toBe('PBX_ERR_WEBHOOK_TIMESTAMP');
    for (const bad of ['hello', '1614265330.5', '-1', '1e9']) {
      expect(codeOf(() => verifyWebhook(VECTOR.secret, { ...vectorHeaders, 'webhook-timestamp': bad }, VECTOR.body, atVector))).toBe(
        'PBX_ERR_WEBHOOK_TIMESTAMP',
      );
    }
  });

  it('names the missing header', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const h: Record<string, string | undefined> = { ...vectorHeaders, [name]: undefined };
      let err: Error | undefined;
      try {
        verifyWebhook(VECTOR.secret, h, VECTOR.body, atVector);
      } catch (e) {
        err = e as Error;
      }
      expect(err).toMatchObject({ code: 'PBX_ERR_WEBHOOK_HEADER_MISSING', message: `missing ${name} header` });
    }
  });
});
