-- The index of workflows holding presence leases (RedisKeys.presenceIndex, a sorted set of workflow tags
-- scored by the latest expiry of a lease written, epoch ms), beside presence.lua.
-- KEYS[1] = the index
-- ARGV = 'held', tag, latest: the tag's score becomes at least `latest` -> 1
-- ARGV = 'done', tag, now: removes the tag unless a lease written since runs beyond `now` -> 1 if removed
-- ARGV = 'due', now, limit: up to `limit` tags whose score is at most `now` -> the tags
local index = KEYS[1]
if ARGV[1] == 'held' then
  redis.call('ZADD', index, 'GT', ARGV[3], ARGV[2])
  return 1
elseif ARGV[1] == 'done' then
  local score = redis.call('ZSCORE', index, ARGV[2])
  if score and tonumber(score) <= tonumber(ARGV[3]) then
    return redis.call('ZREM', index, ARGV[2])
  end
  return 0
elseif ARGV[1] == 'due' then
  return redis.call('ZRANGEBYSCORE', index, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
end
return redis.error_reply('presence_index.lua: unknown operation ' .. tostring(ARGV[1]))
