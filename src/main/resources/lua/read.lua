-- Reads a workflow's state hash and refreshes its TTL; nil when it does not exist.
local fields = redis.call('HGETALL', STATE)
if #fields == 0 then
  return nil
end
refresh()
return fields
