import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import type { StateKeys } from './state-keys.js';

/** Limits for {@link FloodStore.hit}. */
export interface FloodLimits {
  /** Window length in ms. */
  readonly windowMs: number;
  /** Requests allowed per window; one more bans the source. */
  readonly limit: number;
  /** How long a ban lasts, in ms. */
  readonly banMs: number;
}

/** The state of a source after one request. */
export interface FloodVerdict {
  /** Requests counted in the current window (0 when already banned). */
  readonly count: number;
  readonly banned: boolean;
  /** Ms left on the ban, 0 when not banned. */
  readonly banRemainingMs: number;
}

// KEYS: 1 counter, 2 ban. ARGV: 1 window ms, 2 limit, 3 ban ms.
const HIT = new LuaScript(
  `local left = redis.call('PTTL', KEYS[2])
if left > 0 then return { 0, left } end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], n, 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return { n, tonumber(ARGV[3]) }
end
return { n, 0 }`,
  2,
);

/**
 * Pike-style flood protection shared by every instance: a fixed-window
 * request counter per source address, and a ban key once the limit is
 * exceeded. Counting and banning happen in one script, so a burst spread over
 * several replicas is counted exactly.
 */
export class FloodStore {
  readonly #redis: Redis;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Counts one request from `ip` and reports whether the source is (now) banned. */
  async hit(ip: string, limits: FloodLimits): Promise<FloodVerdict> {
    for (const [name, v] of Object.entries(limits)) {
      if (!Number.isInteger(v) || v < 1) throw new PBX_ERR_STATE_INPUT_INVALID(`flood ${name}`, `expected a positive integer, got ${v}`);
    }
    const keys = [this.#keys.floodCounter(ip), this.#keys.floodBan(ip)];
    const [count, left] = (await HIT.run(this.#redis, keys, [limits.windowMs, limits.limit, limits.banMs])) as [number, number];
    return Object.freeze({ count, banned: left > 0, banRemainingMs: left });
  }

  /** Ms left on a ban, 0 when `ip` is not banned. */
  async banRemaining(ip: string): Promise<number> {
    return Math.max(0, await this.#redis.pttl(this.#keys.floodBan(ip)));
  }

  /** Lifts a ban and resets the counter. */
  async unban(ip: string): Promise<boolean> {
    return (await this.#redis.del(this.#keys.floodBan(ip), this.#keys.floodCounter(ip))) > 0;
  }
}
