-- Settles a claimed action and appends its event: 'complete' (action.completed), 'retry' (action.failed;
-- queued again at the end of the queue) or 'fail' (action.failed; failed for good, a dead letter).
-- Its entry leaves the group's pending list and the stream (XACK, XDEL), its lease the LEASES set.
-- ARGV[7] action id, [8] 'complete' | 'retry' | 'fail', [9] the worker settling it ('' = not named),
-- [10] result or error JSON (opaque, stored as it came), [11] now (RFC 3339),
-- [12] the event's rest up to its data, [13] the event's rest after its data
local GROUP = 'workers'
local id, outcome, worker, value, now = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
local stored = redis.call('HGET', ACTIONS, id)
if not stored then
  refresh()
  return {'unknown'}
end
local meta = cjson.decode(stored)
if meta.status ~= 'claimed' then
  refresh()
  return {'settled', meta.status}
end
-- a worker that names itself and lost its lease to another worker is refused: the holder's outcome counts
if worker ~= '' and meta.worker ~= worker then
  refresh()
  return {'lost', meta.worker}
end
if outbox_full() then
  return {'backlog'}
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
local eid, json, seq = next_event(version, etype, ARGV[12] .. data .. ARGV[13], false)
refresh()
local parts = redis.call('HMGET', ACTIONS, id .. ':payload', id .. ':result', id .. ':error')
return {'ok', eid, json, seq, redis.call('HGET', STATE, 'generation'), cjson.encode(meta), parts[1],
  parts[2] or '', parts[3] or ''}
