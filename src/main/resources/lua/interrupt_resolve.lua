-- Answers an open interrupt and appends its interrupt.resolved event; when no other unanswered interrupt is
-- still open (before its deadline) and the workflow is `waiting`, it moves back to `running` in the same step
-- (a new version; the event's data then ends with `from` and `to`). The hash's layout: interrupt_raise.lua.
-- answer: the answer's JSON (written by the Java side); now_ms: the deadline check's clock; updated_at:
-- RFC 3339 (now); data_head, rest_head, rest_tail: as for interrupt_raise.lua.
-- Replies ok (id, json, seq, epoch, version), missing, terminal (status), unknown, settled (status: resolved
-- or closed), expired, backlog.
local arg = args('interrupt_id', 'answer', 'now_ms', 'updated_at', 'data_head', 'rest_head', 'rest_tail')
local iid = arg.interrupt_id
local now_ms = tonumber(arg.now_ms)
local version, refused = changeable()
if not version then
  return refused
end
local state = redis.call('HGET', INTERRUPTS, iid .. ':state')
if not state then
  refresh()
  return reply('unknown')
end
if state ~= 'open' then
  refresh()
  return reply('settled', 'status', state)
end
local open = unanswered_interrupts()
local function live(deadline)
  return deadline == '0' or tonumber(deadline) > now_ms
end
if not open[iid] or not live(open[iid]) then
  refresh()
  return reply('expired')
end
if outbox_full() then
  return reply('backlog')
end
open[iid] = nil
local waits = false
for _, deadline in pairs(open) do
  if live(deadline) then
    waits = true
  end
end
local data
local moves = redis.call('HGET', STATE, 'status') == 'waiting' and not waits
if moves then
  version = tonumber(version) + 1
  redis.call('HSET', STATE, 'status', 'running', 'version', version, 'updated_at', arg.updated_at)
  data = arg.data_head .. ',"from":"waiting","to":"running"}'
else
  data = arg.data_head .. '}'
end
redis.call('HSET', INTERRUPTS, iid .. ':state', 'resolved', iid .. ':answer', arg.answer, 'open', cjson.encode(open))
local id, json, seq = next_event(version, 'interrupt.resolved', arg.rest_head .. data .. arg.rest_tail, true)
if moves then
  announce('workflow.changed', version, 'running', arg.updated_at)
end
refresh()
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'),
  'version', version)
