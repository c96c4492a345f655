-- Creates a workflow and appends workflow.created.
-- ARGV[7] status, [8] state JSON, [9] metadata JSON, [10] ttl seconds, [11] created_at, [12] an epoch the
-- new one must exceed ('' = none: the epoch of an earlier life PostgreSQL holds), [13] event rest,
-- [14] '1' when the caller already asked PostgreSQL about this id
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
-- The epoch of this life: the Redis server's clock in microseconds, raised above every earlier life of
-- the id still known here (the mark, a stream kept for the expiry grace) or to PostgreSQL.
local time = redis.call('TIME')
local epoch = tonumber(time[1]) * 1000000 + tonumber(time[2])
local floor = tonumber(ARGV[12]) or 0
local marked = tonumber(redis.call('HGET', MARK, 'generation'))
if marked and marked > floor then
  floor = marked
end
local top = redis.call('XREVRANGE', EVENTS, '+', '-', 'COUNT', 1)
if #top == 1 then
  local fields = top[1][2]
  for i = 1, #fields, 2 do
    if fields[i] == 'g' and tonumber(fields[i + 1]) > floor then
      floor = tonumber(fields[i + 1])
    end
  end
end
if epoch <= floor then
  epoch = floor + 1
end
epoch = string.format('%.0f', epoch)
-- events of an earlier workflow with this id (deleted, or expired within the grace) are not carried over
redis.call('DEL', EVENTS)
drop_side_keys()
redis.call('HSET', STATE, 'status', ARGV[7], 'state', ARGV[8], 'metadata', ARGV[9], 'version', 1,
  'created_at', ARGV[11], 'updated_at', ARGV[11], 'ttl', ARGV[10], 'schema', 1, 'generation', epoch,
  'last_seq', 0)
local id, json, seq = next_event(1, 'workflow.created', ARGV[13], true)
refresh()
return {'ok', id, json, seq, redis.call('HGET', STATE, 'generation')}
