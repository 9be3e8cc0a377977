/**
 * Bounds requests in flight per destination host within one replica, so one
 * slow receiver holds at most `limit` worker slots and the rest keep flowing.
 */
export class HostLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** The per-host limit. */
  get max(): number {
    return this.limit;
  }

  /** Takes a slot for `host`; false when the host has `cap` (default: the limit) requests in flight. */
  tryAcquire(host: string, cap: number = this.limit): boolean {
    const n = this.inFlight.get(host) ?? 0;
    if (n >= Math.min(cap, this.limit)) return false;
    this.inFlight.set(host, n + 1);
    return true;
  }

  /** Returns a slot taken by {@link tryAcquire}. */
  release(host: string): void {
    const n = (this.inFlight.get(host) ?? 0) - 1;
    if (n <= 0) this.inFlight.delete(host);
    else this.inFlight.set(host, n);
  }

  /** Slots in use for `host`. */
  active(host: string): number {
    return this.inFlight.get(host) ?? 0;
  }
}
