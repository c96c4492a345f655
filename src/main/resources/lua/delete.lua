-- Appends workflow.deleted (published to open streams), then removes the workflow's keys.
-- ARGV[7] event rest
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
if outbox_full() then
  return {'backlog'}
end
local generation = redis.call('HGET', STATE, 'generation')
local id, json, seq = next_event(version, 'workflow.deleted', ARGV[7], false)
redis.call('DEL', STATE, EVENTS)
drop_side_keys()
return {'ok', id, json, seq, generation}
