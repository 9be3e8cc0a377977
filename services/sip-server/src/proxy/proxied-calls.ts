/**
 * Call-IDs of calls this server proxied with Record-Route. Lets in-dialog
 * requests of such a call be forwarded by their Request-URI even when the
 * far end failed to echo Record-Route (RFC 3261 §12.1.1 requires it; some
 * UAs do not), without turning the server into an open relay for any
 * request with a To-tag. Entries end with the call's BYE or after `ttlMs`.
 */
export class ProxiedCalls {
  readonly #calls = new Map<string, number>();
  #inserts = 0;

  /** @param ttlMs - forget a call with no BYE after this long. @defaultValue 4 hours */
  constructor(private readonly ttlMs = 4 * 3600_000) {}

  add(callId: string, now = Date.now()): void {
    this.#calls.set(callId, now + this.ttlMs);
    // Sweep now and then instead of a timer per call.
    if (++this.#inserts % 1000 === 0) {
      for (const [k, exp] of this.#calls) if (exp < now) this.#calls.delete(k);
    }
  }

  has(callId: string, now = Date.now()): boolean {
    const exp = this.#calls.get(callId);
    if (exp === undefined) return false;
    if (exp < now) {
      this.#calls.delete(callId);
      return false;
    }
    return true;
  }

  delete(callId: string): void {
    this.#calls.delete(callId);
  }

  clear(): void {
    this.#calls.clear();
  }

  get size(): number {
    return this.#calls.size;
  }
}
