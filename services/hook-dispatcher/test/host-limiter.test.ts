import { describe, expect, it } from 'vitest';
import { HostLimiter } from '../src/delivery/host-limiter.js';

describe('HostLimiter', () => {
  it('bounds requests per host, and a lower cap leaves the remaining slots to others', () => {
    const l = new HostLimiter(4);
    expect(l.tryAcquire('a:80', 2)).toBe(true);
    expect(l.tryAcquire('a:80', 2)).toBe(true);
    // The direct path (cap 2) stops at half; jobs (no cap) still get the other half.
    expect(l.tryAcquire('a:80', 2)).toBe(false);
    expect(l.tryAcquire('a:80')).toBe(true);
    expect(l.tryAcquire('a:80')).toBe(true);
    expect(l.tryAcquire('a:80')).toBe(false);
    // A cap above the limit does not raise it; other hosts are independent.
    expect(l.tryAcquire('a:80', 10)).toBe(false);
    expect(l.tryAcquire('b:80', 1)).toBe(true);
    l.release('a:80');
    expect(l.active('a:80')).toBe(3);
    expect(l.tryAcquire('a:80', 3)).toBe(false);
    expect(l.tryAcquire('a:80')).toBe(true);
    expect(l.max).toBe(4);
  });
});
