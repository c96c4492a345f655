-- Writes a change computed from version ARGV[6] (compare-and-set) and appends its event.
-- ARGV[7] status, [8] state JSON, [9] metadata JSON, [10] updated_at, [11] event type, [12] event rest
local current = redis.call('HGET', STATE, 'version')
if not current then
  return {'missing'}
end
if current ~= ARGV[6] then
  return {'stale', current}
end
if outbox_full() then
  return {'backlog'}
end
local version = tonumber(current) + 1
redis.call('HSET', STATE, 'status', ARGV[7], 'state', ARGV[8], 'metadata', ARGV[9], 'version', version,
  'updated_at', ARGV[10])
local id, json, seq = next_event(version, ARGV[11], ARGV[12], true)
refresh()
return {'ok', id, json, seq, redis.call('HGET', STATE, 'generation')}
