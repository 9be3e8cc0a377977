import type { Redis } from 'ioredis';

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  /**
   * Prepended to every key, e.g. `dragon:` in a shared Redis or a random
   * prefix per test.
   * @defaultValue '' (the original product's bare key names)
   */
  readonly keyPrefix?: string;
}

/** Collaborators of {@link StateStore}. */
export interface StateStoreDeps {
  /** A connected ioredis client; the store never closes it. */
  readonly redis: Redis;
}
