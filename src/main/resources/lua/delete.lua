-- Appends workflow.deleted (published to open streams), then removes the workflow's keys.
-- Replies ok (id, json, seq, epoch), missing, backlog.
local arg = args('rest')
local version = redis.call('HGET', STATE, 'version')
if not version then
  return reply('missing')
end
if outbox_full() then
  return reply('backlog')
end
local generation, status, updated_at = unpack(redis.call('HMGET', STATE, 'generation', 'status', 'updated_at'))
local id, json, seq = next_event(version, 'workflow.deleted', arg.rest, false)
announce('workflow.deleted', version, status, updated_at)
redis.call('DEL', STATE, EVENTS)
drop_side_keys()
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', generation)
