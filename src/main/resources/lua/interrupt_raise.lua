-- Raises an interrupt and appends its interrupt.raised event; a workflow that is not `waiting` moves to
-- `waiting` in the same step (a new version; the event's data then ends with `from` and `to`).
-- The INTERRUPTS hash: field <id> is the interrupt as raised (JSON written by the Java side, never decoded
-- here), <id>:state is open | resolved | closed, <id>:n its place in the list (from the counter '#n'),
-- <id>:answer the answer (JSON, written by the Java side), and `open` the unanswered ones (open or expired):
-- a JSON object of id -> deadline (epoch ms as text, '0' for none).
-- record: the interrupt's JSON; expires_ms: its deadline ('0' for none); updated_at: RFC 3339 (now);
-- data_head: the event's data without its closing brace; rest_head, rest_tail: the event's rest up to its
-- data, and after it; max_open: how many unanswered interrupts a workflow may have.
-- Replies ok (id, json, seq, epoch, version, n), missing, terminal (status), full (open), backlog.
local arg = args('interrupt_id', 'record', 'expires_ms', 'updated_at', 'data_head', 'rest_head', 'rest_tail',
  'max_open')
local iid = arg.interrupt_id
local version, refused = changeable()
if not version then
  return refused
end
local open = unanswered_interrupts()
local count = 0
for _ in pairs(open) do
  count = count + 1
end
if count >= tonumber(arg.max_open) then
  refresh()
  return reply('full', 'open', count)
end
if outbox_full() then
  return reply('backlog')
end
local status = redis.call('HGET', STATE, 'status')
local data
if status == 'waiting' then
  data = arg.data_head .. '}'
else
  version = tonumber(version) + 1
  redis.call('HSET', STATE, 'status', 'waiting', 'version', version, 'updated_at', arg.updated_at)
  data = arg.data_head .. ',"from":"' .. status .. '","to":"waiting"}'
end
open[iid] = arg.expires_ms
local n = redis.call('HINCRBY', INTERRUPTS, '#n', 1)
redis.call('HSET', INTERRUPTS, iid, arg.record, iid .. ':state', 'open', iid .. ':n', n, 'open', cjson.encode(open))
local id, json, seq = next_event(version, 'interrupt.raised', arg.rest_head .. data .. arg.rest_tail, true)
if status ~= 'waiting' then
  announce('workflow.changed', version, 'waiting', arg.updated_at)
end
refresh(INTERRUPTS)
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'),
  'version', version, 'n', n)
