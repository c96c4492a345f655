-- Reads a workflow's outputs (see output_append.lua for the OUTPUTS fields).
-- Replies ok (fields: the OUTPUTS hash), missing.
local arg = args()
if redis.call('EXISTS', STATE) == 0 then
  return reply('missing')
end
return reply('ok', 'fields', redis.call('HGETALL', OUTPUTS))
