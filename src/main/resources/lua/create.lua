-- Creates a workflow and appends workflow.created.
-- ARGV[7] status, [8] state JSON, [9] metadata JSON, [10] ttl seconds, [11] created_at, [12] generation
-- (creation time in ms), [13] event rest, [14] '1' when the caller already asked PostgreSQL about this id
if redis.call('EXISTS', STATE) == 1 then
  return {'exists'}
end
if CAPACITY > 0 then
  local deleted = redis.call('HGET', MARK, 'deleted')
  if deleted == '0' then
    return {'exists'} -- it lives on in PostgreSQL (its state expired from Redis)
  end
  if not deleted and ARGV[14] ~= '1' then
    return {'check'} -- unknown here: the caller asks PostgreSQL first
  end
end
if outbox_full() then
  return {'backlog'}
end
-- events of an earlier workflow with this id (deleted, or expired within the grace) are not carried over
redis.call('DEL', EVENTS)
drop_side_keys()
redis.call('HSET', STATE, 'status', ARGV[7], 'state', ARGV[8], 'metadata', ARGV[9], 'version', 1,
  'created_at', ARGV[11], 'updated_at', ARGV[11], 'ttl', ARGV[10], 'schema', 1, 'generation', ARGV[12],
  'last_seq', 0)
local id, json, seq = next_event(1, 'workflow.created', ARGV[13], true)
refresh()
return {'ok', id, json, seq, redis.call('HGET', STATE, 'generation')}
