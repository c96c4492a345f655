-- Acknowledges flushed (or set aside) entries of the write buffer: out of the flushers' pending list
-- and the stream, and their size off the buffer's byte count, in one step.
-- KEYS[1] = the outbox stream, KEYS[2] = its byte counter; ARGV[1] = the consumer group,
-- ARGV[2] = the bytes the entries held, ARGV[3...] = the entry ids.
local group, bytes = ARGV[1], tonumber(ARGV[2])
local ids = {}
for i = 3, #ARGV do
  ids[#ids + 1] = ARGV[i]
end
redis.call('XACK', KEYS[1], group, unpack(ids))
local deleted = redis.call('XDEL', KEYS[1], unpack(ids))
if deleted > 0 and bytes > 0 then
  redis.call('DECRBY', KEYS[2], bytes)
end
-- an empty buffer holds no bytes: whatever the count says beyond that is drift (a lost acknowledgement)
if redis.call('XLEN', KEYS[1]) == 0 or (tonumber(redis.call('GET', KEYS[2])) or 0) <= 0 then
  redis.call('DEL', KEYS[2])
end
return deleted
