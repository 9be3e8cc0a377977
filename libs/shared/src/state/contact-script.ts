import { LuaScript } from './lua-script.js';

/**
 * All contact operations in one atomic script, because every one of them must
 * first prune expired contacts and afterwards reset the key TTLs. Per-contact
 * expiry without HEXPIRE (Redis < 7.4): the `:exp` sorted set scores each
 * contact by its expiry; the keys' own TTL is the latest expiry, so an idle
 * client's keys vanish by themselves. Time comes from the Redis server (TIME)
 * so that every instance agrees on it.
 *
 * KEYS: 1 data hash, 2 expiry zset, 3 order zset, 4 domain index zset.
 * ARGV: 1 op (add|bind|remove|clear|list), 2 extension, then per op:
 *   add: 3 contact id, 4 JSON, 5 expires ms, 6 maxClients
 *   bind: as add, then 7 Call-ID, 8 CSeq ('' for none). Like add, except that a
 *     live contact with the same id, the same `callId` and a `cseq` ≥ ARGV 8 is
 *     left as it is (an out-of-order or replayed REGISTER, RFC 3261 §10.3 step 7)
 *   remove: 3 contact id
 * Returns { now, changed, {{id, json|false, expiresAt}…} } where changed is the
 * evicted ids for add, { known 0|1, stale 0|1, evicted ids } for bind, the
 * removed count otherwise.
 */
const SOURCE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data, exp, order, index = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local op, ext = ARGV[1], ARGV[2]

local function drop(id)
  redis.call('HDEL', data, 'c:' .. id)
  redis.call('ZREM', exp, id)
  redis.call('ZREM', order, id)
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', exp, '-inf', now)) do drop(id) end

local function add(id)
  redis.call('HSET', data, 'c:' .. id, ARGV[4])
  redis.call('ZADD', exp, now + tonumber(ARGV[5]), id)
  redis.call('ZADD', order, redis.call('HINCRBY', data, 'seq', 1), id)
  local evicted = {}
  local max = tonumber(ARGV[6])
  while redis.call('ZCARD', order) > max do
    local oldest = redis.call('ZRANGE', order, 0, 0)[1]
    drop(oldest)
    evicted[#evicted + 1] = oldest
  end
  return evicted
end

local changed = 0
if op == 'add' then
  changed = add(ARGV[3])
elseif op == 'bind' then
  local id = ARGV[3]
  local known, stale = 0, 0
  if redis.call('ZSCORE', exp, id) then
    known = 1
    local cseq = tonumber(ARGV[8])
    local ok, prev = pcall(cjson.decode, redis.call('HGET', data, 'c:' .. id) or '')
    if cseq and ok and type(prev) == 'table' and prev.callId == ARGV[7] and type(prev.cseq) == 'number' and cseq <= prev.cseq then
      stale = 1
    end
  end
  changed = { known, stale, stale == 1 and {} or add(id) }
elseif op == 'remove' then
  changed = redis.call('ZREM', exp, ARGV[3])
  drop(ARGV[3])
elseif op == 'clear' then
  changed = redis.call('ZCARD', exp)
  redis.call('DEL', data, exp, order)
end

redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
local last = redis.call('ZRANGE', exp, -1, -1, 'WITHSCORES')
if #last == 0 then
  redis.call('DEL', data, exp, order)
  redis.call('ZREM', index, ext)
else
  local at = last[2]
  redis.call('PEXPIREAT', data, at)
  redis.call('PEXPIREAT', exp, at)
  redis.call('PEXPIREAT', order, at)
  redis.call('ZADD', index, at, ext)
end
local top = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
if #top > 0 then redis.call('PEXPIREAT', index, top[2]) end

local list = {}
local ids = redis.call('ZRANGE', exp, 0, -1, 'WITHSCORES')
for i = 1, #ids, 2 do
  list[#list + 1] = { ids[i], redis.call('HGET', data, 'c:' .. ids[i]) or false, ids[i + 1] }
end
return { tostring(now), changed, list }
`;

export const contactScript = new LuaScript(SOURCE, 4);
