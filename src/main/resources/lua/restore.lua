-- Cache-aside: puts a workflow read from PostgreSQL back into Redis, unless it is there already.
-- ARGV[6] status, [7] state JSON, [8] metadata JSON, [9] version, [10] created_at, [11] updated_at,
-- [12] ttl, [13] generation, [14] last event id, [15] last seq
if redis.call('EXISTS', STATE) == 1 then
  return {'present'}
end
redis.call('HSET', STATE, 'status', ARGV[6], 'state', ARGV[7], 'metadata', ARGV[8], 'version', ARGV[9],
  'created_at', ARGV[10], 'updated_at', ARGV[11], 'ttl', ARGV[12], 'schema', 1, 'generation', ARGV[13],
  'last_id', ARGV[14], 'last_seq', ARGV[15])
refresh()
return {'restored'}
