import type { Redis } from 'ioredis';
import { PBX_ERR_HOOK_DEAD_LETTER_NOT_FOUND, PBX_ERR_HOOK_STATE_CORRUPT } from '../errors.js';
import type { DeadLetterEntry } from './dead-letter-entry.js';

/**
 * The dead-letter list in Redis: a hash (event id → entry) plus a sorted set
 * by time for paging. Writes are idempotent per event id, so a crash between
 * "dead-letter" and "advance the call" cannot produce two entries.
 */
export class DeadLetterStore {
  private readonly hashKey: string;
  private readonly indexKey: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.hashKey = `${keyPrefix}:dlq`;
    this.indexKey = `${keyPrefix}:dlq:index`;
  }

  /** Records a dead letter; an existing entry's replay count carries over. */
  async put(entry: DeadLetterEntry): Promise<void> {
    const id = entry.envelope.id;
    const previous = await this.redis.hget(this.hashKey, id);
    if (previous !== null) {
      try {
        entry.replays = Math.max(entry.replays, (JSON.parse(previous) as DeadLetterEntry).replays ?? 0);
      } catch {
        // An unreadable old entry is simply replaced.
      }
    }
    await this.redis
      .multi()
      .hset(this.hashKey, id, JSON.stringify(entry))
      .zadd(this.indexKey, Date.parse(entry.deadLetteredAt), id)
      .exec();
  }

  async get(id: string): Promise<DeadLetterEntry> {
    const raw = await this.redis.hget(this.hashKey, id);
    if (raw === null) throw new PBX_ERR_HOOK_DEAD_LETTER_NOT_FOUND(id);
    try {
      return JSON.parse(raw) as DeadLetterEntry;
    } catch {
      throw new PBX_ERR_HOOK_STATE_CORRUPT(`dead-letter entry ${id}`);
    }
  }

  /** Oldest first. */
  async list(offset = 0, limit = 100): Promise<{ total: number; items: DeadLetterEntry[] }> {
    const [total, ids] = await Promise.all([
      this.redis.zcard(this.indexKey),
      this.redis.zrange(this.indexKey, String(offset), String(offset + limit - 1)),
    ]);
    if (ids.length === 0) return { total, items: [] };
    const raws = await this.redis.hmget(this.hashKey, ...ids);
    const items: DeadLetterEntry[] = [];
    for (const raw of raws) if (raw !== null) items.push(JSON.parse(raw) as DeadLetterEntry);
    return { total, items };
  }

  async ids(): Promise<string[]> {
    return (await this.redis.zrange(this.indexKey, "0", "-1")) as string[];
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.indexKey);
  }

  /** Removes an entry; false when it was not there. */
  async remove(id: string): Promise<boolean> {
    const [[, n] = []] = (await this.redis.multi().hdel(this.hashKey, id).zrem(this.indexKey, id).exec()) ?? [];
    return n === 1;
  }

  /** Counts a replay on an entry (kept until the replay succeeds). */
  async markReplayed(id: string): Promise<DeadLetterEntry> {
    const entry = await this.get(id);
    entry.replays += 1;
    await this.redis.hset(this.hashKey, id, JSON.stringify(entry));
    return entry;
  }
}
