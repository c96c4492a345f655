-- Cache-aside: puts a workflow read from PostgreSQL back into Redis, unless it is there already.
-- ARGV[7] status, [8] state JSON, [9] metadata JSON, [10] version, [11] created_at, [12] updated_at,
-- [13] ttl, [14] generation, [15] last event id, [16] last seq
if redis.call('EXISTS', STATE) == 1 then
  return {'present'}
end
local mark = redis.call('HMGET', MARK, 'generation', 'last_seq', 'deleted')
if mark[1] then
  local generation, last_seq = tonumber(mark[1]), tonumber(mark[2])
  local archived_generation, archived_seq = tonumber(ARGV[14]), tonumber(ARGV[16])
  if mark[3] == '1' and generation >= archived_generation then
    return {'gone'} -- deleted; PostgreSQL has not heard yet
  end
  if generation > archived_generation or (generation == archived_generation and last_seq > archived_seq) then
    return {'behind'} -- newer events are still in the write buffer
  end
end
redis.call('HSET', STATE, 'status', ARGV[7], 'state', ARGV[8], 'metadata', ARGV[9], 'version', ARGV[10],
  'created_at', ARGV[11], 'updated_at', ARGV[12], 'ttl', ARGV[13], 'schema', 1, 'generation', ARGV[14],
  'last_id', ARGV[15], 'last_seq', ARGV[16])
refresh()
return {'restored'}
