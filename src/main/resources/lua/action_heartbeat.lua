-- Renews the lease of a claimed action for the worker that holds it (a worker doing long work says it is
-- alive): its deadline moves to deadline_ms in the LEASES sorted set and to deadline in its record. No
-- event: a lease renewal changes nothing anyone watches. A worker whose lease expired keeps the action
-- as long as nobody claimed it meanwhile. On a workflow in a terminal status (a cancel) it is refused,
-- so a worker learns of the cancel at its next heartbeat.
-- now, deadline: RFC 3339; deadline_ms: epoch ms.
-- Replies ok (action: metadata, payload, result, error), missing, terminal (status), unknown,
-- settled (status), lost (worker).
local arg = args('action_id', 'worker', 'now', 'deadline_ms', 'deadline')
local id = arg.action_id
local version, refused = changeable()
if not version then
  return refused
end
local stored = redis.call('HGET', ACTIONS, id)
if not stored then
  return reply('unknown')
end
local meta = cjson.decode(stored)
if meta.status ~= 'claimed' then
  return reply('settled', 'status', meta.status)
end
if meta.worker ~= arg.worker then
  return reply('lost', 'worker', meta.worker)
end
meta.lease_until, meta.updated_at = arg.deadline, arg.now
redis.call('HSET', ACTIONS, id, cjson.encode(meta))
redis.call('ZADD', LEASES, arg.deadline_ms, id)
refresh(LEASES) -- named as a new set would be, should it ever be one (a claimed action has its lease in it)
local parts = redis.call('HMGET', ACTIONS, id .. ':payload', id .. ':result', id .. ':error')
return reply('ok', 'action', {cjson.encode(meta), parts[1], parts[2] or '', parts[3] or ''})
