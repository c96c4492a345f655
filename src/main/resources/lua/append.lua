-- Appends a client's event; the workflow's version is unchanged.
-- ARGV[7] event type, [8] event rest
local seen = redis.call('HMGET', STATE, 'version', 'generation', 'last_seq', 'ttl')
local version, generation = seen[1], seen[2]
if not version then
  return {'missing'}
end
if outbox_full() then
  return {'backlog'}
end
local seq = seq_after(seen[3])
local ttl_seconds = whole(seen[4], 'ttl')
local id, json = next_event_after(generation, seq, version, ARGV[7], ARGV[8], '', {})
refresh_for(ttl_seconds)
return {'ok', id, json, seq, generation}
