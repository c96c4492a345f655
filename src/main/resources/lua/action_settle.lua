-- Settles a claimed action and appends its event: 'complete' (action.completed), 'retry' (action.failed;
-- queued again at the end of the queue) or 'fail' (action.failed; failed for good, a dead letter).
-- Its entry leaves the group's pending list and the stream (XACK, XDEL), its lease the LEASES set.
-- outcome: 'complete' | 'retry' | 'fail'; worker: the worker settling it ('' = not named); value: the
-- result or error JSON (opaque, stored as it came); now: RFC 3339; rest_head, rest_tail: the event's
-- rest up to its data, and after it.
-- Replies ok (id, json, seq, epoch, action), missing, terminal (status), unknown, settled (status),
-- lost (worker), backlog.
local arg = args('action_id', 'outcome', 'worker', 'value', 'now', 'rest_head', 'rest_tail')
local GROUP = 'workers'
local id, outcome, worker, value, now = arg.action_id, arg.outcome, arg.worker, arg.value, arg.now
local version, refused = changeable()
if not version then
  return refused
end
local stored = redis.call('HGET', ACTIONS, id)
if not stored then
  refresh()
  return reply('unknown')
end
local meta = cjson.decode(stored)
if meta.status ~= 'claimed' then
  refresh()
  return reply('settled', 'status', meta.status)
end
-- a worker that names itself and lost its lease to another worker is refused: the holder's outcome counts
if worker ~= '' and meta.worker ~= worker then
  refresh()
  return reply('lost', 'worker', meta.worker)
end
if outbox_full() then
  return reply('backlog')
end
local holder = meta.worker
redis.call('XACK', QUEUE, GROUP, meta.entry)
redis.call('XDEL', QUEUE, meta.entry)
redis.call('ZREM', LEASES, id)
if #redis.call('XPENDING', QUEUE, GROUP, '-', '+', 1, holder) == 0 then
  redis.call('XGROUP', 'DELCONSUMER', QUEUE, GROUP, holder)
end
meta.lease_until, meta.updated_at = cjson.null, now
local etype, data
if outcome == 'complete' then
  meta.status = 'completed'
  redis.call('HSET', ACTIONS, id .. ':result', value)
  etype = 'action.completed'
  data = ',"worker":"' .. holder .. '","result":' .. value .. '}'
else
  if outcome == 'retry' then
    meta.status, meta.worker = 'queued', cjson.null
    meta.entry = redis.call('XADD', QUEUE, '*', 'a', id)
  else
    meta.status = 'failed'
  end
  redis.call('HSET', ACTIONS, id .. ':error', value)
  etype = 'action.failed'
  data = ',"worker":"' .. holder .. '","error":' .. value .. ',"retry":' .. tostring(outcome == 'retry')
    .. ',"attempts":' .. meta.attempts .. '}'
end
redis.call('HSET', ACTIONS, id, cjson.encode(meta))
data = '{"id":"' .. id .. '","type":"' .. meta.type .. '","status":"' .. meta.status .. '"' .. data
local eid, json, seq = next_event(version, etype, arg.rest_head .. data .. arg.rest_tail, false)
refresh()
local parts = redis.call('HMGET', ACTIONS, id .. ':payload', id .. ':result', id .. ':error')
return reply('ok', 'id', eid, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'),
  'action', {cjson.encode(meta), parts[1], parts[2] or '', parts[3] or ''})
