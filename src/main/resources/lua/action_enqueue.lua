-- Queues an action and appends its action.queued event; the workflow's version is unchanged.
-- The queue is a stream read by the consumer group 'workers': an entry {a = action id} per queued action.
-- The action's record lives in the ACTIONS hash: field <id> is its metadata (JSON, written by this code
-- only), <id>:payload, <id>:result and <id>:error hold the client's JSON as it came, never decoded here
-- (cjson would lose number precision).
-- ARGV[7] action id, [8] type, [9] payload JSON, [10] now (RFC 3339),
-- [11] the event's rest up to its data, [12] the event's rest after its data
local GROUP = 'workers'
local id, atype, payload, now = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
if outbox_full() then
  return {'backlog'}
end
if redis.call('EXISTS', QUEUE) == 0 then
  -- the group is made with the stream, and the stream is never removed before the workflow is
  redis.call('XGROUP', 'CREATE', QUEUE, GROUP, '0', 'MKSTREAM')
end
local entry = redis.call('XADD', QUEUE, '*', 'a', id)
local meta = {id = id, type = atype, status = 'queued', worker = cjson.null, lease_until = cjson.null,
  attempts = 0, created_at = now, updated_at = now, entry = entry, since = entry}
redis.call('HSET', ACTIONS, id, cjson.encode(meta), id .. ':payload', payload)
local data = '{"id":"' .. id .. '","type":"' .. atype .. '","status":"queued","payload":' .. payload .. '}'
local eid, json, seq = next_event(version, 'action.queued', ARGV[11] .. data .. ARGV[12], false)
refresh()
return {'ok', eid, json, seq, redis.call('HGET', STATE, 'generation'), cjson.encode(meta), payload, '', ''}
