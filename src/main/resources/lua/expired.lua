-- Called by every instance when the state hash expires: the first call announces workflow.expired
-- to open streams and removes the event stream; later calls find nothing to do.
-- Replies ok (id, json, seq), alive (the state is there), gone (announced already).
local arg = args('rest')
if redis.call('EXISTS', STATE) == 1 then
  return reply('alive')
end
drop_side_keys()
local last = redis.call('XREVRANGE', EVENTS, '+', '-', 'COUNT', 1)
if #last == 0 then
  return reply('gone')
end
local fields = last[1][2]
local seq, generation, body
for i = 1, #fields, 2 do
  if fields[i] == 'seq' then seq = tonumber(fields[i + 1]) end
  if fields[i] == 'g' then generation = fields[i + 1] end
  if fields[i] == 'b' then body = fields[i + 1] end
end
local version = cjson.decode('{' .. body).version
local id, json = append_event(generation, epoch_of(last[1][1]), seq + 1, version, 'workflow.expired', arg.rest, '')
redis.call('DEL', EVENTS)
announce('workflow.expired', version, '', '')
return reply('ok', 'id', id, 'json', json, 'seq', seq + 1)
