import type { Redis } from 'ioredis';
import type { NonceReplayGuard } from '../digest/digest-verifier.js';
import { PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import type { StateKeys } from './state-keys.js';

/** Digest replay records: each (nonce, nc) is accepted once across every instance (docs/contract.md §1.2 step 3). */
export class NonceStore implements NonceReplayGuard {
  readonly #redis: Redis;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** `SET key 1 NX PX ttl`: true for the first claim, false for any later one until the record expires. */
  async claimNonce(nonce: string, nc: string, ttlMs: number): Promise<boolean> {
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new PBX_ERR_STATE_INPUT_INVALID('nonce ttl', `got ${ttlMs}`);
    const ok = await this.#redis.set(this.#keys.nonce(nonce, nc), '1', 'PX', ttlMs, 'NX');
    return ok === 'OK';
  }
}
