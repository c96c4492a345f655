-- Hands the next action to a worker and appends action.claimed: first the action whose lease expired
-- longest ago (its pending entry moves to the worker with XCLAIM), else the oldest queued one (the
-- group's next new entry, XREADGROUP >). Claimed actions are the group's pending entries, and the LEASES
-- sorted set holds their deadlines (epoch ms), so an expired lease is found without a scan.
-- Times come from the caller's clock, the one every event's created_at comes from (docs/REDIS.md).
-- now_ms, deadline_ms: epoch ms; now, deadline: RFC 3339; rest_head, rest_tail: the event's rest up to
-- its data, and after it.
-- Replies ok (id, json, seq, epoch, action: metadata, payload, result, error), none, missing,
-- terminal (status), backlog.
local arg = args('worker', 'now_ms', 'now', 'deadline_ms', 'deadline', 'rest_head', 'rest_tail')
local GROUP = 'workers'
local worker, now_ms, now, deadline_ms, deadline = arg.worker, arg.now_ms, arg.now, arg.deadline_ms, arg.deadline
local version, refused = changeable()
if not version then
  return refused
end
if redis.call('EXISTS', QUEUE) == 0 then
  refresh()
  return reply('none')
end
if outbox_full() then
  return reply('backlog')
end

-- A worker holding nothing leaves the group, so polling workers leave no consumers behind.
local function forget_if_idle(name)
  if #redis.call('XPENDING', QUEUE, GROUP, '-', '+', 1, name) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', QUEUE, GROUP, name)
  end
end

local id, meta, previous
local due = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now_ms, 'LIMIT', 0, 1)[1]
if due then
  meta = cjson.decode(redis.call('HGET', ACTIONS, due))
  id, previous = due, meta.worker
  redis.call('XCLAIM', QUEUE, GROUP, worker, 0, meta.entry)
  if previous ~= worker then
    forget_if_idle(previous)
  end
else
  local read = redis.call('XREADGROUP', 'GROUP', GROUP, worker, 'COUNT', 1, 'STREAMS', QUEUE, '>')
  if not read then
    forget_if_idle(worker)
    refresh()
    return reply('none')
  end
  local entry = read[1][2][1]
  id = entry[2][2]
  meta = cjson.decode(redis.call('HGET', ACTIONS, id))
  meta.entry = entry[1]
end
meta.status, meta.worker, meta.lease_until, meta.updated_at = 'claimed', worker, deadline, now
meta.attempts = meta.attempts + 1
redis.call('HSET', ACTIONS, id, cjson.encode(meta))
redis.call('ZADD', LEASES, deadline_ms, id) -- the first claim creates the set
local data = '{"id":"' .. id .. '","type":"' .. meta.type .. '","status":"claimed","worker":"' .. worker
  .. '","lease_until":"' .. deadline .. '","attempts":' .. meta.attempts .. ',"previous_worker":'
  .. (previous and ('"' .. previous .. '"') or 'null') .. '}'
local eid, json, seq = next_event(version, 'action.claimed', arg.rest_head .. data .. arg.rest_tail, false)
refresh(LEASES)
local parts = redis.call('HMGET', ACTIONS, id .. ':payload', id .. ':result', id .. ':error')
return reply('ok', 'id', eid, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'),
  'action', {cjson.encode(meta), parts[1], parts[2] or '', parts[3] or ''})
