import type { Redis } from 'ioredis';

/** Options of {@link CallAffinity}. */
export interface CallAffinityOptions {
  /** Same prefix convention as the shared StateStore (`dragon:`, or random per test). */
  readonly keyPrefix: string;
  /** Lifetime of an entry, renewed by every operation on the call (s). */
  readonly ttlSec: number;
}

/**
 * Which engine holds which call, in Redis, so any media-controller replica can
 * serve any call. The shared StateStore has no extension point for extra key
 * families, so this file is the one place that owns the key name:
 *
 *   `<prefix>media:engine:<callId>` → engine id (`host:port`), TTL `ttlSec`.
 */
export class CallAffinity {
  readonly #redis: Redis;
  readonly #options: CallAffinityOptions;

  constructor(options: CallAffinityOptions, deps: { readonly redis: Redis }) {
    this.#options = options;
    this.#redis = deps.redis;
  }

  key(callId: string): string {
    return `${this.#options.keyPrefix}media:engine:${callId}`;
  }

  /**
   * Records `engineId` unless another replica recorded an engine first; returns
   * the engine that now holds the call (parallel forks share one engine).
   */
  async claim(callId: string, engineId: string): Promise<string> {
    const key = this.key(callId);
    const set = await this.#redis.set(key, engineId, 'EX', this.#options.ttlSec, 'NX');
    if (set === 'OK') return engineId;
    return (await this.get(callId)) ?? engineId;
  }

  /** The engine of a call, renewing the entry's lifetime; undefined when none. */
  async get(callId: string): Promise<string | undefined> {
    const v = await this.#redis.getex(this.key(callId), 'EX', this.#options.ttlSec);
    return v ?? undefined;
  }

  /** Removes and returns the entry in one round trip (whole-call delete). */
  async take(callId: string): Promise<string | undefined> {
    return (await this.#redis.getdel(this.key(callId))) ?? undefined;
  }

  /** Puts back an entry {@link take} removed, unless someone recorded the call again meanwhile. */
  async restore(callId: string, engineId: string): Promise<void> {
    await this.#redis.set(this.key(callId), engineId, 'EX', this.#options.ttlSec, 'NX');
  }

  async release(callId: string): Promise<void> {
    await this.#redis.del(this.key(callId));
  }
}
