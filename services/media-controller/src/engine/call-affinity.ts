import type { Redis } from 'ioredis';
import { AffinityCache } from './affinity-cache.js';

/** Options of {@link CallAffinity}. */
export interface CallAffinityOptions {
  /** Same prefix convention as the shared StateStore (`dragon:`, or random per test). */
  readonly keyPrefix: string;
  /** Lifetime of an entry, renewed by every operation on the call (s). */
  readonly ttlSec: number;
  /**
   * Entries kept in this replica's memory; 0 turns the cache off.
   * @defaultValue 50000
   */
  readonly cacheSize?: number;
}

/** Where an engine id came from: this replica's cache, or Redis. */
export interface AffinityLookup {
  readonly engineId: string;
  readonly cached: boolean;
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
  readonly #cache: AffinityCache | undefined;
  readonly #onError: (err: Error) => void;

  constructor(options: CallAffinityOptions, deps: { readonly redis: Redis; readonly onError?: (err: Error) => void }) {
    this.#options = options;
    this.#redis = deps.redis;
    const size = options.cacheSize ?? 50_000;
    this.#cache = size > 0 ? new AffinityCache(size) : undefined;
    this.#onError = deps.onError ?? (() => {});
  }

  /**
   * The engine of a call: from this replica's cache when it has one (renewing
   * the Redis TTL in the background now and then), otherwise from Redis.
   */
  async lookup(callId: string): Promise<AffinityLookup | undefined> {
    const hit = this.#cache?.get(callId);
    if (hit) {
      const now = Date.now();
      // Renew at most every quarter TTL; nobody waits for it.
      if (now - hit.renewedAt > this.#options.ttlSec * 250) {
        hit.renewedAt = now;
        this.#redis.expire(this.key(callId), this.#options.ttlSec).catch(this.#onError);
      }
      return { engineId: hit.engineId, cached: true };
    }
    const engineId = await this.get(callId);
    return engineId === undefined ? undefined : { engineId, cached: false };
  }

  /** The engine this replica's cache holds for a call, without asking Redis (may be stale). */
  cached(callId: string): string | undefined {
    return this.#cache?.get(callId)?.engineId;
  }

  /** Drops the cached entry so the next lookup asks Redis. */
  forget(callId: string): void {
    this.#cache?.delete(callId);
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
    if (set === 'OK') {
      this.#cache?.set(callId, engineId, Date.now());
      return engineId;
    }
    return (await this.get(callId)) ?? engineId;
  }

  /** The engine of a call, renewing the entry's lifetime; undefined when none. */
  async get(callId: string): Promise<string | undefined> {
    const v = await this.#redis.getex(this.key(callId), 'EX', this.#options.ttlSec);
    if (v === null) {
      this.#cache?.delete(callId);
      return undefined;
    }
    this.#cache?.set(callId, v, Date.now());
    return v;
  }

  /** Removes and returns the entry in one round trip (whole-call delete). */
  async take(callId: string): Promise<string | undefined> {
    this.#cache?.delete(callId);
    return (await this.#redis.getdel(this.key(callId))) ?? undefined;
  }

  /** Puts back an entry {@link take} removed, unless someone recorded the call again meanwhile. */
  async restore(callId: string, engineId: string): Promise<void> {
    await this.#redis.set(this.key(callId), engineId, 'EX', this.#options.ttlSec, 'NX');
  }

  async release(callId: string): Promise<void> {
    this.#cache?.delete(callId);
    await this.#redis.del(this.key(callId));
  }
}
