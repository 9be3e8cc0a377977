/**
 * Lua scripts of the per-call sequencer. Each runs atomically in Redis, which is
 * what makes "exactly one event of a call in flight" hold across replicas.
 *
 * Keys of one call (same `{callId}` hash tag):
 *   KEYS[1] pending  ZSET  seq → event id, events not yet delivered or dead-lettered
 *   KEYS[2] events   HASH  event id → envelope JSON
 *   KEYS[3] state    HASH  inflight (event id), gen (dispatch generation),
 *                          next (lowest seq not yet passed), prov ("1": inflight waits for a gap)
 *   KEYS[4] done     SET   ids already delivered or dead-lettered (drops redelivered duplicates)
 *
 * Replies are arrays whose first element is a verb:
 *   {'add', id, gen, delayMs}  make a job for event `id` in generation `gen`
 *   {'kick', id, gen}          re-add the job of the in-flight event (idempotent)
 *   {'go', envelopeJson}       this job's event is the head: deliver it
 *   {'claim', id, gen, json}   (advance with claim) next event `id` is begun: deliver it inline
 *   {'queued'} {'idle'} {'done'} {'stale'}
 */

/** Shared tail: make the lowest pending event in flight; `gap` is ARGV-provided reorder window. */
const DISPATCH_HEAD = `
local function dispatch_head(gap)
  local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #head == 0 then
    redis.call('HDEL', KEYS[3], 'inflight', 'prov')
    return {'idle'}
  end
  local nextSeq = tonumber(redis.call('HGET', KEYS[3], 'next') or '1')
  local gen = redis.call('HINCRBY', KEYS[3], 'gen', 1)
  local delay = 0
  if tonumber(head[2]) > nextSeq then delay = gap end
  redis.call('HSET', KEYS[3], 'inflight', head[1], 'prov', delay > 0 and '1' or '0')
  return {'add', head[1], tostring(gen), tostring(delay)}
end
local function touch(ttl)
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ttl) end
end
`;

/** ARGV: id, seq, envelopeJson, ttlSec, reorderMs */
export const STAGE_SCRIPT = `${DISPATCH_HEAD}
local id = ARGV[1]
if redis.call('SISMEMBER', KEYS[4], id) == 1 then return {'done'} end
local fresh = redis.call('HSETNX', KEYS[2], id, ARGV[3])
if fresh == 1 then redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), id) end
touch(ARGV[4])
local inflight = redis.call('HGET', KEYS[3], 'inflight')
if not inflight then return dispatch_head(tonumber(ARGV[5])) end
if fresh == 0 then return {'kick', inflight, redis.call('HGET', KEYS[3], 'gen')} end
-- A predecessor of an event held back for a gap has arrived: it goes first.
if redis.call('HGET', KEYS[3], 'prov') == '1' then
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)
  if head[1] == id then return dispatch_head(tonumber(ARGV[5])) end
end
return {'queued'}
`;

/** ARGV: id, gen, reorderMs. Called when a job starts. */
export const BEGIN_SCRIPT = `${DISPATCH_HEAD}
local inflight = redis.call('HGET', KEYS[3], 'inflight')
local gen = redis.call('HGET', KEYS[3], 'gen')
if inflight ~= ARGV[1] or gen ~= ARGV[2] then
  if inflight then return {'stale', inflight, gen} end
  return {'stale'}
end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
if head[1] ~= ARGV[1] then return dispatch_head(tonumber(ARGV[3])) end
redis.call('HSET', KEYS[3], 'prov', '0')
local json = redis.call('HGET', KEYS[2], ARGV[1])
if not json then return {'stale'} end
return {'go', json}
`;

/**
 * ARGV: id, gen, seq, ttlSec, reorderMs, claim. Called once the event is delivered or dead-lettered.
 * With claim = '1', a next event that may go at once is also begun in the same call (what BEGIN
 * would answer for it): {'claim', id, gen, envelopeJson}. That saves the inline chain one script
 * call per event; a caller that cannot deliver it after all makes its job, as for 'add'.
 */
export const ADVANCE_SCRIPT = `${DISPATCH_HEAD}
local inflight = redis.call('HGET', KEYS[3], 'inflight')
local gen = redis.call('HGET', KEYS[3], 'gen')
if inflight ~= ARGV[1] or gen ~= ARGV[2] then
  if inflight then return {'kick', inflight, gen} end
  return {'stale'}
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
local seq = tonumber(ARGV[3])
if seq + 1 > tonumber(redis.call('HGET', KEYS[3], 'next') or '1') then
  redis.call('HSET', KEYS[3], 'next', seq + 1)
end
touch(ARGV[4])
local d = dispatch_head(tonumber(ARGV[5]))
if ARGV[6] == '1' and d[1] == 'add' and d[4] == '0' then
  local json = redis.call('HGET', KEYS[2], d[2])
  if json then return {'claim', d[2], d[3], json} end
end
return d
`;
