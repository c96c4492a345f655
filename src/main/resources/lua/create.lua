-- Creates a workflow and appends workflow.created.
-- floor: an epoch the new one must exceed ('' = none; the epoch of an earlier life PostgreSQL holds);
-- checked: '1' when the caller already asked PostgreSQL about this id; rest: the event after its seq;
-- workflow: its fields, name after value (Workflow.toFields).
-- Replies ok (id, json, seq, epoch), exists, check (ask PostgreSQL first), backlog.
local arg = args('floor', 'rest', 'checked', 'workflow...')
local w = workflow_of(arg.workflow)
if redis.call('EXISTS', STATE) == 1 then
  return reply('exists')
end
if CAPACITY > 0 then
  local deleted = redis.call('HGET', MARK, 'deleted')
  if deleted == '0' then
    return reply('exists') -- it lives on in PostgreSQL (its state expired from Redis)
  end
  if not deleted and arg.checked ~= '1' then
    return reply('check') -- unknown here: the caller asks PostgreSQL first
  end
end
if outbox_full() then
  return reply('backlog')
end
-- The epoch of this life: the Redis server's clock in microseconds, raised above every earlier life of
-- the id still known here (the mark, a stream kept for the expiry grace) or to PostgreSQL.
local floor = tonumber(arg.floor) or 0
local marked = tonumber(redis.call('HGET', MARK, 'generation'))
if marked and marked > floor then
  floor = marked
end
local top = redis.call('XREVRANGE', EVENTS, '+', '-', 'COUNT', 1)
if #top == 1 then
  local fields = top[1][2]
  local ids = tonumber(epoch_of(top[1][1]))
  if ids and ids > floor then
    floor = ids
  end
  for i = 1, #fields, 2 do
    if fields[i] == 'g' and tonumber(fields[i + 1]) > floor then
      floor = tonumber(fields[i + 1])
    end
  end
end
local epoch = new_epoch(floor)
-- events of an earlier workflow with this id (deleted, or expired within the grace) are not carried over
redis.call('DEL', EVENTS)
drop_side_keys()
redis.call('HSET', STATE, unpack(workflow_fields(arg.workflow, 'schema', 1, 'generation', epoch, 'epoch', epoch,
  'last_seq', 0)))
local id, json, seq = next_event(1, 'workflow.created', arg.rest, true)
announce('workflow.created', 1, w.status, w.created_at)
refresh()
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', epoch)
