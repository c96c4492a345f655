-- Appends workflow.deleted (published to open streams), then removes the workflow's keys.
-- ARGV[4] event rest
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
local id, json, seq = next_event(version, 'workflow.deleted', ARGV[4])
redis.call('DEL', STATE, EVENTS)
return {'ok', id, json, seq}
