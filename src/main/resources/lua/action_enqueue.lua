-- Queues an action and appends its action.queued event; the workflow's version is unchanged.
-- The queue is a stream read by the consumer group 'workers': an entry {a = action id} per queued action.
-- The action's record lives in the ACTIONS hash: field <id> is its metadata (JSON, written by this code
-- only), <id>:payload, <id>:result and <id>:error hold the client's JSON as it came, never decoded here
-- (cjson would lose number precision).
-- now: RFC 3339; rest_head, rest_tail: the event's rest up to its data, and after it.
-- Replies ok (id, json, seq, epoch, action: metadata, payload, result, error), missing,
-- terminal (status), backlog.
local arg = args('action_id', 'type', 'payload', 'now', 'rest_head', 'rest_tail')
local GROUP = 'workers'
local id, atype, payload, now = arg.action_id, arg.type, arg.payload, arg.now
local version, refused = changeable()
if not version then
  return refused
end
if outbox_full() then
  return reply('backlog')
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
local eid, json, seq = next_event(version, 'action.queued', arg.rest_head .. data .. arg.rest_tail, false)
refresh(QUEUE, ACTIONS)
return reply('ok', 'id', eid, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'),
  'action', {cjson.encode(meta), payload, '', ''})
