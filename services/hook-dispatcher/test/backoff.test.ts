import { describe, expect, it } from 'vitest';
import { backoffStrategy, parseRetryAfter, retryDelay } from '../src/delivery/backoff.js';
import { DeliveryFailure } from '../src/delivery/delivery-failure.js';
import { AttemptOutcome } from '../src/delivery/delivery-outcome.js';

const P = { baseMs: 1000, maxMs: 300_000 };

describe('retry backoff', () => {
  it('doubles per attempt with equal jitter inside [d/2, d]', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const d = 1000 * 2 ** (attempt - 1);
      expect(retryDelay(attempt, P, undefined, () => 0)).toBe(d / 2);
      expect(retryDelay(attempt, P, undefined, () => 0.999999)).toBe(d);
      const r = retryDelay(attempt, P);
      expect(r).toBeGreaterThanOrEqual(d / 2);
      expect(r).toBeLessThanOrEqual(d);
    }
  });

  it('never shrinks from one attempt to the next, whatever the jitter', () => {
    expect(retryDelay(3, P, undefined, () => 0)).toBeGreaterThanOrEqual(retryDelay(2, P, undefined, () => 0.999999));
  });

  it('caps at maxMs, Retry-After included', () => {
    expect(retryDelay(30, P, undefined, () => 1)).toBe(300_000);
    expect(retryDelay(1, P, 3_600_000)).toBe(300_000);
  });

  it('treats Retry-After as a floor', () => {
    expect(retryDelay(1, P, 7000, () => 0)).toBe(7000);
    expect(retryDelay(5, P, 10, () => 0)).toBe(8000);
  });

  it('parses Retry-After seconds and HTTP-dates, ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined(); // not delay-seconds, not a date
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('as a BullMQ strategy reads Retry-After from the DeliveryFailure', () => {
    const s = backoffStrategy({ baseMs: 100, maxMs: 60_000 });
    const err = new DeliveryFailure(AttemptOutcome.Retryable, 'http_429', 'slow down', 429, 2000);
    expect(s(1, 'dragon', err)).toBe(2000);
    const plain = s(1, 'dragon', new Error('x'));
    expect(plain).toBeGreaterThanOrEqual(50);
    expect(plain).toBeLessThanOrEqual(100);
  });

  it('as a BullMQ strategy counts attempts made before the job existed', () => {
    const s = backoffStrategy({ baseMs: 100, maxMs: 60_000 });
    // BullMQ's first retry of a job whose event was tried once inline is the second retry.
    for (let i = 0; i < 20; i++) {
      const d = s(1, 'dragon', new Error('x'), { data: { kind: 'call', priorAttempts: 1 } });
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
    expect(s(2, 'dragon', new Error('x'), { data: { kind: 'call' } })).toBeGreaterThanOrEqual(100);
  });
});
