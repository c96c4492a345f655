-- Creates a workflow and appends workflow.created.
-- ARGV[4] status, [5] state JSON, [6] metadata JSON, [7] ttl seconds, [8] created_at, [9] event rest
if redis.call('EXISTS', STATE) == 1 then
  return {'exists'}
end
-- events of an earlier workflow with this id (deleted, or expired within the grace) are not carried over
redis.call('DEL', EVENTS)
redis.call('HSET', STATE, 'status', ARGV[4], 'state', ARGV[5], 'metadata', ARGV[6], 'version', 1,
  'created_at', ARGV[8], 'updated_at', ARGV[8], 'ttl', ARGV[7], 'schema', 1, 'last_seq', 0)
local id, json, seq = next_event(1, 'workflow.created', ARGV[9])
refresh()
return {'ok', id, json, seq}
