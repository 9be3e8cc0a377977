/** One cached call→engine entry. */
interface Entry {
  readonly engineId: string;
  /** When the Redis TTL was last renewed (ms since epoch). */
  renewedAt: number;
}

/**
 * This replica's memory of call→engine entries it has read or written, so
 * that most operations skip a Redis round trip. Redis stays the truth: the
 * router drops an entry and asks Redis again whenever the engine contradicts
 * it (another replica deleted or moved the call). Bounded; the oldest entries
 * go first.
 */
export class AffinityCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(callId: string): Entry | undefined {
    return this.#entries.get(callId);
  }

  set(callId: string, engineId: string, now: number): void {
    this.#entries.delete(callId);
    this.#entries.set(callId, { engineId, renewedAt: now });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  delete(callId: string): void {
    this.#entries.delete(callId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
