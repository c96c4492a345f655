-- Writes a change computed from version ARGV[7] of generation ARGV[14] (compare-and-set) and appends
-- its event.
-- ARGV[8] status, [9] state JSON, [10] metadata JSON, [11] updated_at, [12] event type, [13] event rest,
-- [14] generation, [15...] field writes that features make with every state change (StateHook), three
-- arguments each: side name, field, value
local seen = redis.call('HMGET', STATE, 'version', 'generation', 'last_seq', 'ttl', 'created_at')
local current, generation, ttl = seen[1], seen[2], seen[4]
if not current then
  return {'missing'}
end
if current ~= ARGV[7] or generation ~= ARGV[14] then
  return {'stale', current}
end
if outbox_full() then
  return {'backlog'}
end
-- everything that can fail is computed before the first write (a script is not rolled back)
local version = tonumber(current) + 1
local seq = seq_after(seen[3])
local ttl_seconds = whole(ttl, 'ttl')
local workflow = ''
if CAPACITY > 0 then
  workflow = workflow_json(ARGV[8], ARGV[9], ARGV[10], version, seen[5], ARGV[11], ttl)
end
for i = 15, #ARGV, 3 do
  redis.call('HSET', SIDES[ARGV[i]], ARGV[i + 1], ARGV[i + 2])
end
local id, json = next_event_after(generation, seq, version, ARGV[12], ARGV[13], workflow,
  {'status', ARGV[8], 'state', ARGV[9], 'metadata', ARGV[10], 'version', version, 'updated_at', ARGV[11]})
refresh_for(ttl_seconds)
return {'ok', id, json, seq, generation}
