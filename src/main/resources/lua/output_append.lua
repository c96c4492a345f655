-- Appends a chunk to a workflow's output (opening it with its first chunk) and publishes it at once as an
-- ephemeral output.delta on the workflow's channel (empty id, seq 0: not in the log, see EventDelivery);
-- the log gets the text later, rolled up (output_rollup.lua, output_close.lua). Per output the OUTPUTS hash
-- keeps the text in segments, so an append copies at most one segment and the chunk however long the
-- text (a Lua string cannot grow in place): s:<name>:<i> the sealed segments (0 .. k-1), t:<name> the open
-- one, sealed once it reaches `segment` bytes, k:<name> their count; p:<name> the text since the last
-- roll-up; n:<name> the length in UTF-16 code units (counted by the caller: Lua counts bytes); ru:<name>
-- the length the log has; c:<name> set once closed.
-- expected: the output's length the caller expects ('' = any); max: the longest text in units; the delta
-- is delta_head .. offset .. delta_tail.
-- Replies ok (offset, length), missing, terminal (status), output_closed, output_moved (length),
-- output_full (length).
local arg = args('name', 'text', 'units', 'expected', 'max', 'segment', 'delta_head', 'delta_tail')
local version, refused = changeable()
if not version then
  return refused
end
local name = arg.name
local held = redis.call('HMGET', OUTPUTS, 'n:' .. name, 'c:' .. name, 't:' .. name, 'k:' .. name, 'p:' .. name)
if held[2] then
  return reply('output_closed')
end
local length = tonumber(held[1]) or 0
if arg.expected ~= '' and tonumber(arg.expected) ~= length then
  return reply('output_moved', 'length', length)
end
local after = length + tonumber(arg.units)
if after > tonumber(arg.max) then
  return reply('output_full', 'length', length)
end
local open, sealed = (held[3] or '') .. arg.text, tonumber(held[4]) or 0
if #open >= tonumber(arg.segment) then
  redis.call('HSET', OUTPUTS, 's:' .. name .. ':' .. sealed, open)
  sealed, open = sealed + 1, ''
end
redis.call('HSET', OUTPUTS, 't:' .. name, open, 'k:' .. name, sealed, 'p:' .. name, (held[5] or '') .. arg.text,
  'n:' .. name, after)
redis.call('SPUBLISH', CHANNEL, '\n0\noutput.delta\n' .. arg.delta_head .. length .. arg.delta_tail)
if held[1] then
  refresh()
else
  refresh(OUTPUTS) -- a new output: perhaps the hash's first field
end
return reply('ok', 'offset', length, 'length', after)
