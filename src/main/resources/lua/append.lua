-- Appends a client's event; the workflow's version is unchanged.
-- ARGV[4] event type, [5] event rest
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
local id, json, seq = next_event(version, ARGV[4], ARGV[5])
refresh()
return {'ok', id, json, seq}
