-- Reads a workflow's outputs (see output_append.lua for the OUTPUTS fields); open_only = '1': the fields
-- of open outputs only (a resuming stream has the closed ones' text from the log).
-- Replies ok (fields: the OUTPUTS hash, or its open outputs' fields), missing.
local arg = args('open_only')
if redis.call('EXISTS', STATE) == 0 then
  return reply('missing')
end
local fields = redis.call('HGETALL', OUTPUTS)
if arg.open_only ~= '1' then
  return reply('ok', 'fields', fields)
end
local closed = {}
for i = 1, #fields, 2 do
  local name = string.match(fields[i], '^c:(.*)$')
  if name then
    closed[name] = true
  end
end
local open = {}
for i = 1, #fields, 2 do
  -- s:<name>:<i> carries its index after the name; every other field is <kind>:<name>
  local name = string.match(fields[i], '^s:(.*):%d+$') or string.match(fields[i], '^[a-z]+:(.*)$')
  if not closed[name] then
    open[#open + 1] = fields[i]
    open[#open + 1] = fields[i + 1]
  end
end
return reply('ok', 'fields', open)
