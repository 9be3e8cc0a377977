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

describe('HostLimiter.acquire (waiting for a slot)', () => {
  it('hands released slots to waiters in arrival order, within their cap', async () => {
    const l = new HostLimiter(4);
    expect(await l.acquire('a:80', 2, { maxWaiters: 2, timeoutMs: 1000 })).toBe(true);
    expect(await l.acquire('a:80', 2, { maxWaiters: 2, timeoutMs: 1000 })).toBe(true);
    const order: string[] = [];
    const first = l.acquire('a:80', 2, { maxWaiters: 2, timeoutMs: 1000 }).then((ok) => order.push(`first ${ok}`));
    const second = l.acquire('a:80', 2, { maxWaiters: 2, timeoutMs: 1000 }).then((ok) => order.push(`second ${ok}`));
    // Jobs (full limit) still get the slots above the waiters' cap, without queueing.
    expect(l.tryAcquire('a:80')).toBe(true);
    expect(l.waiting('a:80')).toBe(2);
    l.release('a:80'); // the job's slot: in flight drops to 2, not under the waiters' cap
    await Promise.resolve();
    expect(order).toEqual([]);
    l.release('a:80');
    await first;
    expect(order).toEqual(['first true']);
    expect(l.active('a:80')).toBe(2);
    l.release('a:80');
    await second;
    expect(order).toEqual(['first true', 'second true']);
    expect(l.waiting('a:80')).toBe(0);
  });

  it('refuses at once when too many wait, and gives up after the timeout', async () => {
    const l = new HostLimiter(2);
    expect(await l.acquire('a:80', 1, { maxWaiters: 1, timeoutMs: 1000 })).toBe(true);
    const waiter = l.acquire('a:80', 1, { maxWaiters: 1, timeoutMs: 30 });
    expect(await l.acquire('a:80', 1, { maxWaiters: 1, timeoutMs: 1000 })).toBe(false);
    const t0 = Date.now();
    expect(await waiter).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(l.waiting('a:80')).toBe(0);
    // The slot a timed-out waiter never got is not lost or double-counted.
    l.release('a:80');
    expect(l.active('a:80')).toBe(0);
    expect(await l.acquire('a:80', 1, { maxWaiters: 0, timeoutMs: 0 })).toBe(true);
  });
});
