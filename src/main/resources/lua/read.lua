-- Reads a workflow's state hash and refreshes its TTL.
-- Replies ok (fields: the hash), missing.
local arg = args()
local fields = redis.call('HGETALL', STATE)
if #fields == 0 then
  return reply('missing')
end
refresh()
return reply('ok', 'fields', fields)
