import type { Redis } from 'ioredis';
import { CALL_SUMMARY_STATES, type CallSummary } from './call-summary.js';
import { PBX_ERR_STATE_CORRUPT, PBX_ERR_STATE_INPUT_INVALID } from './state-errors.js';
import type { StateKeys } from './state-keys.js';

/**
 * Live-call summaries (`call:<callId>`, JSON, with a TTL the owner keeps
 * refreshing) and three indexes — per owning instance, per domain, per
 * extension — as sorted sets scored by expiry. Indexes may briefly hold stale
 * members (a summary expired or changed extensions); every read prunes by
 * score and re-checks each member against its summary, so stale entries are
 * never returned.
 */
/**
 * The summary and its index entries in one round trip and one command:
 * KEYS = summary, index…; ARGV = JSON, TTL ms, expiry (ms since epoch), Call-ID.
 * An index's TTL only ever grows (PTTL is -1 on a fresh index).
 */
const PUT_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1`;

/** KEYS = summary, index…; ARGV = Call-ID. Returns how many summaries were deleted (0 or 1). */
const REMOVE_LUA = `
local n = redis.call('DEL', KEYS[1])
for i = 2, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return n`;

/** The scripts, as ioredis custom commands (EVALSHA, EVAL on the first use). */
interface CallScripts {
  dragonCallPut(...keysThenArgs: (string | number)[]): Promise<number>;
  dragonCallRemove(...keysThenArgs: string[]): Promise<number>;
}

function withScripts(redis: Redis): Redis & CallScripts {
  const r = redis as Redis & Partial<CallScripts>;
  if (typeof r.dragonCallPut !== 'function') r.defineCommand('dragonCallPut', { lua: PUT_LUA });
  if (typeof r.dragonCallRemove !== 'function') r.defineCommand('dragonCallRemove', { lua: REMOVE_LUA });
  return r as Redis & CallScripts;
}

export class CallStore {
  readonly #redis: Redis & CallScripts;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = withScripts(redis);
    this.#keys = keys;
  }

  /** Creates or replaces a summary, valid for `ttlSec` seconds unless put again. */
  async put(summary: CallSummary, ttlSec: number): Promise<void> {
    validate(summary);
    if (!Number.isInteger(ttlSec) || ttlSec < 1) throw new PBX_ERR_STATE_INPUT_INVALID('call ttl', `got ${ttlSec}`);
    const k = this.#keys;
    const ttlMs = ttlSec * 1000;
    const expiresAt = Date.now() + ttlMs;
    const keys = [k.call(summary.callId), ...this.#indexes(summary)];
    await this.#redis.dragonCallPut(keys.length, ...keys, JSON.stringify(summary), ttlMs, expiresAt, summary.callId);
  }

  async get(callId: string): Promise<CallSummary | undefined> {
    const key = this.#keys.call(callId);
    return decode(key, await this.#redis.get(key));
  }

  /**
   * Deletes a summary and its index entries; resolves whether it existed.
   * `written` — the summary this process last put for the call, which names
   * its indexes — spares reading it back first (the owner always has it).
   */
  async remove(callId: string, written?: CallSummary): Promise<boolean> {
    const current = written ?? (await this.get(callId));
    const keys = [this.#keys.call(callId), ...(current ? this.#indexes(current) : [])];
    return (await this.#redis.dragonCallRemove(String(keys.length), ...keys, callId)) === 1;
  }

  /** The index sets a summary belongs to: its instance, its domain, each of its extensions. */
  #indexes(s: CallSummary): string[] {
    const k = this.#keys;
    return [k.callsByInstance(s.instanceId), k.callsByDomain(s.domain), ...s.extensions.map((e) => k.callsByExtension(s.domain, e))];
  }

  /** Calls owned by an instance (for drain and for taking over a dead instance's calls). */
  listByInstance(instanceId: string): Promise<CallSummary[]> {
    return this.#fromIndex(this.#keys.callsByInstance(instanceId), (s) => s.instanceId === instanceId);
  }

  listByDomain(domain: string): Promise<CallSummary[]> {
    return this.#fromIndex(this.#keys.callsByDomain(domain), (s) => s.domain === domain);
  }

  /** Calls ringing or connected at `ext` (pickup, docs/contract.md §4.6). */
  findByExtension(domain: string, ext: string): Promise<CallSummary[]> {
    return this.#fromIndex(
      this.#keys.callsByExtension(domain, ext),
      (s) => s.domain === domain && s.extensions.includes(ext),
    );
  }

  async #fromIndex(index: string, belongs: (s: CallSummary) => boolean): Promise<CallSummary[]> {
    await this.#redis.zremrangebyscore(index, '-inf', String(Date.now()));
    const ids = await this.#redis.zrange(index, '0', '-1');
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.#keys.call(id));
    const values = await this.#redis.mget(...keys);
    const out: CallSummary[] = [];
    const stale: string[] = [];
    values.forEach((v, i) => {
      const s = decode(keys[i]!, v);
      if (s && belongs(s)) out.push(s);
      else stale.push(ids[i]!);
    });
    if (stale.length > 0) await this.#redis.zrem(index, ...stale);
    return out.sort((a, b) => a.startedAt - b.startedAt);
  }
}

function decode(key: string, json: string | null): CallSummary | undefined {
  if (json === null) return undefined;
  try {
    return Object.freeze(JSON.parse(json) as CallSummary);
  } catch {
    throw new PBX_ERR_STATE_CORRUPT(key, 'call summary is not JSON');
  }
}

function validate(s: CallSummary): void {
  const bad = (what: string, why: string): never => {
    throw new PBX_ERR_STATE_INPUT_INVALID(`call summary ${what}`, why);
  };
  if (s === null || typeof s !== 'object') bad('', 'not an object');
  for (const f of ['callId', 'instanceId', 'domain', 'from', 'to'] as const) {
    if (typeof s[f] !== 'string' || s[f] === '') bad(f, 'must be a non-empty string');
  }
  if (!CALL_SUMMARY_STATES.includes(s.state)) bad('state', `unknown "${s.state}"`);
  if (!Number.isFinite(s.startedAt)) bad('startedAt', 'not a number');
  if (!Array.isArray(s.extensions) || s.extensions.some((e) => typeof e !== 'string' || e === '')) {
    bad('extensions', 'not an array of non-empty strings');
  }
}
