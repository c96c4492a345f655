-- Reads a workflow's interrupts, refreshing its TTL as every read does: every field of the INTERRUPTS hash
-- (layout: interrupt_raise.lua).
-- Replies ok (fields: field, value, ...), missing.
local arg = args()
if redis.call('EXISTS', STATE) == 0 then
  return reply('missing')
end
refresh()
return reply('ok', 'fields', redis.call('HGETALL', INTERRUPTS))
