-- The open SSE streams of one subject, counted across instances: a sorted set of stream ids scored by
-- the end of their lease (Redis time, ms). Each instance extends the leases of its open streams on a
-- heartbeat; the streams of a killed instance are no longer extended and age out.
--
-- KEYS[1] = ratelimit:streams:{<partition>}
-- acquire: ARGV = 'acquire', stream id, max streams, lease ms
--          -> {1, streams now open} with the stream counted, or {0, streams open} at the cap
-- refresh: ARGV = 'refresh', lease ms, stream id...
--          -> leases extended (a stream that already aged out is not brought back)
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local set = KEYS[1]
if ARGV[1] == 'acquire' then
  local max = tonumber(ARGV[3])
  local lease = tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
  local open = redis.call('ZCARD', set)
  if open >= max then
    return {0, open}
  end
  redis.call('ZADD', set, now + lease, ARGV[2])
  -- every lease ends by now + lease, so the set may go with the last of them
  redis.call('PEXPIRE', set, lease)
  return {1, open + 1}
elseif ARGV[1] == 'refresh' then
  local lease = tonumber(ARGV[2])
  local extended = 0
  for i = 3, #ARGV do
    extended = extended + redis.call('ZADD', set, 'XX', 'CH', now + lease, ARGV[i])
  end
  redis.call('PEXPIRE', set, lease)
  return extended
end
return redis.error_reply('stream_slots.lua: unknown operation ' .. tostring(ARGV[1]))
