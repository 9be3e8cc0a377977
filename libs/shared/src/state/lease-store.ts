import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import type { StateKeys } from './state-keys.js';

// Compare-and-act: only the current owner (same token) may extend or give up the lease.
const RENEW = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`,
  1,
);
const RELEASE = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1);

/**
 * Leases so that exactly one replica owns a resource at a time, e.g. the
 * registration of one trunk (see {@link trunkLeaseResource}). The owner
 * renews well before `ttlMs` runs out; if it dies, the lease lapses and
 * another replica acquires it.
 */
export class LeaseStore {
  readonly #redis: Redis;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** `SET key token NX PX ttl`: true when this caller now owns the lease. */
  async acquire(resource: string, token: string, ttlMs: number): Promise<boolean> {
    check(token, ttlMs);
    return (await this.#redis.set(this.#keys.lease(resource), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Extends the lease to `ttlMs` from now if `token` still owns it. */
  async renew(resource: string, token: string, ttlMs: number): Promise<boolean> {
    check(token, ttlMs);
    return (await RENEW.run(this.#redis, [this.#keys.lease(resource)], [token, ttlMs])) === 1;
  }

  /** Gives the lease up if `token` owns it. */
  async release(resource: string, token: string): Promise<boolean> {
    check(token, 1);
    return (await RELEASE.run(this.#redis, [this.#keys.lease(resource)], [token])) === 1;
  }

  /** The current owner's token, if any. */
  async owner(resource: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#keys.lease(resource))) ?? undefined;
  }
}

/** The lease resource name for a trunk's outbound registration. */
export function trunkLeaseResource(domain: string, trunkId: string): string {
  return `regtrunk:${domain}:${trunkId}`;
}

function check(token: string, ttlMs: number): void {
  if (typeof token !== 'string' || token === '') throw new PBX_ERR_STATE_INPUT_INVALID('lease token', 'empty');
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new PBX_ERR_STATE_INPUT_INVALID('lease ttl', `got ${ttlMs}`);
}
