-- Cache-aside: puts a workflow read from PostgreSQL back into Redis, unless it is there already.
-- Replies restored, present (already in Redis), gone (deleted since; PostgreSQL has not heard yet),
-- behind (newer events are still in the write buffer).
local arg = args('status', 'state', 'metadata', 'version', 'created_at', 'updated_at', 'ttl', 'epoch', 'last_id',
  'last_seq')
if redis.call('EXISTS', STATE) == 1 then
  return reply('present')
end
local mark = redis.call('HMGET', MARK, 'generation', 'last_seq', 'deleted')
if mark[1] then
  local generation, last_seq = tonumber(mark[1]), tonumber(mark[2])
  local archived_generation, archived_seq = tonumber(arg.epoch), tonumber(arg.last_seq)
  if mark[3] == '1' and generation >= archived_generation then
    return reply('gone')
  end
  if generation > archived_generation or (generation == archived_generation and last_seq > archived_seq) then
    return reply('behind')
  end
end
redis.call('HSET', STATE, 'status', arg.status, 'state', arg.state, 'metadata', arg.metadata,
  'version', arg.version, 'created_at', arg.created_at, 'updated_at', arg.updated_at, 'ttl', arg.ttl,
  'schema', 1, 'generation', arg.epoch, 'last_id', arg.last_id, 'last_seq', arg.last_seq)
refresh()
return reply('restored')
