-- Creates a workflow and appends workflow.created.
-- ARGV[6] status, [7] state JSON, [8] metadata JSON, [9] ttl seconds, [10] created_at, [11] generation
-- (creation time in ms), [12] event rest
if redis.call('EXISTS', STATE) == 1 then
  return {'exists'}
end
if outbox_full() then
  return {'backlog'}
end
-- events of an earlier workflow with this id (deleted, or expired within the grace) are not carried over
redis.call('DEL', EVENTS)
redis.call('HSET', STATE, 'status', ARGV[6], 'state', ARGV[7], 'metadata', ARGV[8], 'version', 1,
  'created_at', ARGV[10], 'updated_at', ARGV[10], 'ttl', ARGV[9], 'schema', 1, 'generation', ARGV[11],
  'last_seq', 0)
local id, json, seq = next_event(1, 'workflow.created', ARGV[12], true)
refresh()
return {'ok', id, json, seq, redis.call('HGET', STATE, 'generation')}
