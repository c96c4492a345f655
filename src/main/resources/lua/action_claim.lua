-- Hands the next action to a worker and appends action.claimed: first the action whose lease expired
-- longest ago (its pending entry moves to the worker with XCLAIM), else the oldest queued one (the
-- group's next new entry, XREADGROUP >). Claimed actions are the group's pending entries, and the LEASES
-- sorted set holds their deadlines (epoch ms), so an expired lease is found without a scan.
-- Times come from the caller's clock, the one every event's created_at comes from (docs/REDIS.md).
-- ARGV[7] worker, [8] now (epoch ms), [9] now (RFC 3339), [10] lease deadline (epoch ms),
-- [11] lease deadline (RFC 3339), [12] the event's rest up to its data, [13] the event's rest after its data
local GROUP = 'workers'
local worker, now_ms, now, deadline_ms, deadline = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
if redis.call('EXISTS', QUEUE) == 0 then
  refresh()
  return {'none'}
end
if outbox_full() then
  return {'backlog'}
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
    return {'none'}
  end
  local entry = read[1][2][1]
  id = entry[2][2]
  meta = cjson.decode(redis.call('HGET', ACTIONS, id))
  meta.entry = entry[1]
end
meta.status, meta.worker, meta.lease_until, meta.updated_at = 'claimed', worker, deadline, now
meta.attempts = meta.attempts + 1
redis.call('HSET', ACTIONS, id, cjson.encode(meta))
redis.call('ZADD', LEASES, deadline_ms, id)
local data = '{"id":"' .. id .. '","type":"' .. meta.type .. '","status":"claimed","worker":"' .. worker
  .. '","lease_until":"' .. deadline .. '","attempts":' .. meta.attempts .. ',"previous_worker":'
  .. (previous and ('"' .. previous .. '"') or 'null') .. '}'
local eid, json, seq = next_event(version, 'action.claimed', ARGV[12] .. data .. ARGV[13], false)
refresh()
local parts = redis.call('HMGET', ACTIONS, id .. ':payload', id .. ':result', id .. ':error')
return {'ok', eid, json, seq, redis.call('HGET', STATE, 'generation'), cjson.encode(meta), parts[1],
  parts[2] or '', parts[3] or ''}
