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
export class CallStore {
  readonly #redis: Redis;
  readonly #keys: StateKeys;

  constructor(redis: Redis, keys: StateKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Creates or replaces a summary, valid for `ttlSec` seconds unless put again. */
  async put(summary: CallSummary, ttlSec: number): Promise<void> {
    validate(summary);
    if (!Number.isInteger(ttlSec) || ttlSec < 1) throw new PBX_ERR_STATE_INPUT_INVALID('call ttl', `got ${ttlSec}`);
    const k = this.#keys;
    const ttlMs = ttlSec * 1000;
    const expiresAt = Date.now() + ttlMs;
    const indexes = [
      k.callsByInstance(summary.instanceId),
      k.callsByDomain(summary.domain),
      ...summary.extensions.map((e) => k.callsByExtension(summary.domain, e)),
    ];
    const tx = this.#redis.multi().set(k.call(summary.callId), JSON.stringify(summary), 'PX', ttlMs);
    for (const idx of indexes) {
      // NX sets a TTL on a fresh index, GT only ever lengthens it (both Redis 7.0).
      tx.zadd(idx, expiresAt, summary.callId).pexpire(idx, ttlMs, 'NX').pexpire(idx, ttlMs, 'GT');
    }
    await tx.exec();
  }

  async get(callId: string): Promise<CallSummary | undefined> {
    const key = this.#keys.call(callId);
    return decode(key, await this.#redis.get(key));
  }

  /** Deletes a summary and its index entries; resolves whether it existed. */
  async remove(callId: string): Promise<boolean> {
    const current = await this.get(callId);
    const k = this.#keys;
    const tx = this.#redis.multi().del(k.call(callId));
    if (current) {
      tx.zrem(k.callsByInstance(current.instanceId), callId).zrem(k.callsByDomain(current.domain), callId);
      for (const e of current.extensions) tx.zrem(k.callsByExtension(current.domain, e), callId);
    }
    const res = await tx.exec();
    return res?.[0]?.[1] === 1;
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
