/** How long and in what company {@link HostLimiter.acquire} may wait for a slot. */
export interface AcquireWait {
  /** Callers already waiting for this host beyond which a new one is refused at once. */
  maxWaiters: number;
  /** How long to wait for a slot before giving up (resolving false). */
  timeoutMs: number;
}

interface Waiter {
  cap: number;
  resolve: (ok: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * Bounds requests in flight per destination host within one replica, so one
 * slow receiver holds at most `limit` worker slots and the rest keep flowing.
 * A caller may take a slot at once or not at all ({@link tryAcquire}), or wait
 * for one in arrival order ({@link acquire}); a waiter only gets a slot while
 * the host is under the waiter's own cap. Waiters queue only behind each other:
 * the direct path is the only caller that waits, and jobs take the slots above
 * its cap with `tryAcquire`.
 */
export class HostLimiter {
  private readonly inFlight = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter[]>();

  constructor(private readonly limit: number) {}

  /** The per-host limit. */
  get max(): number {
    return this.limit;
  }

  /** Takes a slot for `host`; false when the host has `cap` (default: the limit) requests in flight. */
  tryAcquire(host: string, cap: number = this.limit): boolean {
    return this.take(host, cap);
  }

  /**
   * Takes a slot for `host` under `cap`, waiting for one (first come, first
   * served) when the host is at its cap. Resolves false, holding nothing, when
   * `maxWaiters` callers already wait or no slot frees up within `timeoutMs`.
   */
  acquire(host: string, cap: number, wait: AcquireWait): Promise<boolean> {
    const queue = this.waiters.get(host);
    if (!queue && this.take(host, cap)) return Promise.resolve(true);
    if ((queue?.length ?? 0) >= wait.maxWaiters || wait.timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        cap,
        resolve,
        timer: setTimeout(() => {
          this.dropWaiter(host, waiter);
          resolve(false);
        }, wait.timeoutMs),
      };
      const list = queue ?? [];
      list.push(waiter);
      if (!queue) this.waiters.set(host, list);
    });
  }

  /** Returns a slot taken by {@link tryAcquire} or {@link acquire}; the first waiter may get it. */
  release(host: string): void {
    const n = (this.inFlight.get(host) ?? 0) - 1;
    if (n <= 0) this.inFlight.delete(host);
    else this.inFlight.set(host, n);
    const queue = this.waiters.get(host);
    const head = queue?.[0];
    if (!head || !this.take(host, head.cap)) return;
    queue!.shift();
    if (queue!.length === 0) this.waiters.delete(host);
    clearTimeout(head.timer);
    head.resolve(true);
  }

  /** Slots in use for `host`. */
  active(host: string): number {
    return this.inFlight.get(host) ?? 0;
  }

  /** Callers waiting in {@link acquire} for `host`. */
  waiting(host: string): number {
    return this.waiters.get(host)?.length ?? 0;
  }

  private take(host: string, cap: number): boolean {
    const n = this.inFlight.get(host) ?? 0;
    if (n >= Math.min(cap, this.limit)) return false;
    this.inFlight.set(host, n + 1);
    return true;
  }

  private dropWaiter(host: string, waiter: Waiter): void {
    const queue = this.waiters.get(host);
    if (!queue) return;
    const i = queue.indexOf(waiter);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.waiters.delete(host);
  }
}
