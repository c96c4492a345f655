-- Writes the text an output gained since its last roll-up (p:<name>) as one output.appended event (data:
-- name, offset in UTF-16 code units, text); nothing when it gained none or is closed. rest_head .. data ..
-- rest_tail is the event after its id, seq and version. See output_append.lua for the OUTPUTS fields.
-- Replies ok (id, json, seq, epoch; none of them when nothing was written), missing, terminal (status),
-- backlog.
local arg = args('name', 'rest_head', 'rest_tail')
local version, refused = changeable()
if not version then
  return refused
end
local name = arg.name
local held = redis.call('HMGET', OUTPUTS, 'p:' .. name, 'n:' .. name, 'ru:' .. name, 'c:' .. name)
local pending, units, rolled = held[1], held[2], tonumber(held[3]) or 0
if not pending or pending == '' or held[4] then
  return reply('ok')
end
if outbox_full() then
  return reply('backlog')
end
local data = '{"name":"' .. name .. '","offset":' .. rolled .. ',"text":' .. cjson.encode(pending) .. '}'
local id, json, seq = next_event(version, 'output.appended', arg.rest_head .. data .. arg.rest_tail, false)
redis.call('HSET', OUTPUTS, 'p:' .. name, '', 'ru:' .. name, units)
refresh()
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'))
