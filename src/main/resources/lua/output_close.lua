-- Closes a workflow's output with one output.closed event holding its whole text (data: name, length in
-- UTF-16 code units, text, and reason 'cancelled' for the close of a cancel); an output never appended to
-- closes empty. cancelled = '1': the close that follows a cancel, allowed on the cancelled workflow only
-- (one reopened since keeps its outputs open: nothing is written).
-- See output_append.lua for the OUTPUTS fields.
-- Replies ok (id, json, seq, epoch; none of them for a cancel's close of a reopened workflow), missing,
-- terminal (status), output_closed, backlog.
local arg = args('name', 'cancelled', 'rest_head', 'rest_tail')
local version, status = unpack(redis.call('HMGET', STATE, 'version', 'status'))
if not version then
  return reply('missing')
end
if arg.cancelled == '1' then
  if status ~= 'cancelled' then
    return reply('ok')
  end
else
  local refused = closed(status)
  if refused then
    return refused
  end
end
local name = arg.name
local held = redis.call('HMGET', OUTPUTS, 'n:' .. name, 'c:' .. name, 'k:' .. name, 't:' .. name)
if held[2] then
  return reply('output_closed')
end
if outbox_full() then
  return reply('backlog')
end
local units, sealed = tonumber(held[1]) or 0, tonumber(held[3]) or 0
local parts = {}
for i = 0, sealed - 1 do
  parts[#parts + 1] = redis.call('HGET', OUTPUTS, 's:' .. name .. ':' .. i) or ''
end
parts[#parts + 1] = held[4] or ''
local data = '{"name":"' .. name .. '","length":' .. units .. ',"text":' .. cjson.encode(table.concat(parts))
  .. (arg.cancelled == '1' and ',"reason":"cancelled"}' or '}')
local id, json, seq = next_event(version, 'output.closed', arg.rest_head .. data .. arg.rest_tail, false)
redis.call('HSET', OUTPUTS, 't:' .. name, held[4] or '', 'k:' .. name, sealed, 'n:' .. name, units,
  'p:' .. name, '', 'ru:' .. name, units, 'c:' .. name, '1')
if held[1] then
  refresh()
else
  refresh(OUTPUTS) -- an output never appended to: perhaps the hash's first field
end
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'))
