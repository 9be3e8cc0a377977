import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/index.js';

// The example of the Standard Webhooks specification (symmetric, v1), checked
// through the helper this package re-exports for hook authors.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const headers = (sig = SPEC.signature, ts = String(SPEC.timestamp), id = SPEC.id) => ({
  'webhook-id': id,
  'webhook-timestamp': ts,
  'webhook-signature': sig,
});

describe('verifyWebhook for hook authors', () => {
  const nowMs = SPEC.timestamp * 1000;

  it('accepts the specification example and returns the webhook-id', () => {
    expect(verifyWebhook(SPEC.secret, headers(), SPEC.body, { nowMs }).id).toBe(SPEC.id);
    expect(verifyWebhook(SPEC.secret, headers(`v1,bm9wZQ== ${SPEC.signature}`), SPEC.body, { nowMs }).id).toBe(SPEC.id);
  });

  it('rejects a tampered body or id, a stale timestamp and a missing header with stable codes', () => {
    expect(() => verifyWebhook(SPEC.secret, headers(), '{"test": 2432232315}', { nowMs })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_WEBHOOK_SIGNATURE' }),
    );
    expect(() => verifyWebhook(SPEC.secret, headers(undefined, undefined, 'msg_x'), SPEC.body, { nowMs })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_WEBHOOK_SIGNATURE' }),
    );
    expect(() => verifyWebhook(SPEC.secret, headers(), SPEC.body, { nowMs: nowMs + 301_000 })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_WEBHOOK_TIMESTAMP' }),
    );
    const { 'webhook-signature': _drop, ...rest } = headers();
    expect(() => verifyWebhook(SPEC.secret, rest, SPEC.body, { nowMs })).toThrow(
      expect.objectContaining({ code: 'PBX_ERR_WEBHOOK_HEADER_MISSING' }),
    );
  });
});
