-- Writes a change computed from version ARGV[4] (compare-and-set) and appends its event.
-- ARGV[5] status, [6] state JSON, [7] metadata JSON, [8] updated_at, [9] event type, [10] event rest
local current = redis.call('HGET', STATE, 'version')
if not current then
  return {'missing'}
end
if current ~= ARGV[4] then
  return {'stale', current}
end
local version = tonumber(current) + 1
redis.call('HSET', STATE, 'status', ARGV[5], 'state', ARGV[6], 'metadata', ARGV[7], 'version', version,
  'updated_at', ARGV[8])
local id, json, seq = next_event(version, ARGV[9], ARGV[10])
refresh()
return {'ok', id, json, seq}
