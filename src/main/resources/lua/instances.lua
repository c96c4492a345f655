-- The instance registry: a record per live instance (a string of JSON with a TTL) and an index of the
-- instance ids scored by the end of their record's lease (Redis time, ms), both under the hash tag
-- {instances} so they share a slot on Redis Cluster. The index is what readers list (no SCAN of the
-- keyspace); the lease is Redis's own clock, so instances with skewed clocks or different TTLs agree.
--
-- KEYS[1] = flowcast:instances:{instances} (sorted set), KEYS[2] = flowcast:instance:{instances}:<id>
-- beat:  ARGV = 'beat', id, ttl ms, record JSON -> 1 (the record written, its lease renewed)
-- leave: ARGV = 'leave', id -> 1 when there was a record, else 0 (KEYS[2] names it)
-- live:  ARGV = 'live' -> the ids whose lease has not ended (ended ones are removed from the index);
--        only KEYS[1] is given
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local index = KEYS[1]
if ARGV[1] == 'beat' then
  local ttl = tonumber(ARGV[3])
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ttl)
  redis.call('ZADD', index, now + ttl, ARGV[2])
  -- the index lives as long as its longest lease (instances may run with different TTLs)
  if redis.call('PTTL', index) < ttl then
    redis.call('PEXPIRE', index, ttl)
  end
  return 1
elseif ARGV[1] == 'leave' then
  redis.call('ZREM', index, ARGV[2])
  return redis.call('DEL', KEYS[2])
elseif ARGV[1] == 'live' then
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  return redis.call('ZRANGE', index, 0, -1)
end
return redis.error_reply('instances.lua: unknown operation ' .. tostring(ARGV[1]))
