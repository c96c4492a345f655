-- Appends a client's event; the workflow's version is unchanged.
-- ARGV[7] event type, [8] event rest
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
if outbox_full() then
  return {'backlog'}
end
local id, json, seq = next_event(version, ARGV[7], ARGV[8], false)
refresh()
return {'ok', id, json, seq, redis.call('HGET', STATE, 'generation')}
