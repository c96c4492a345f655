-- Appends a client's event; the workflow's version is unchanged.
-- Replies ok (id, json, seq, epoch), missing, terminal (status), backlog.
local arg = args('type', 'rest')
local seen = redis.call('HMGET', STATE, 'version', 'generation', 'last_seq', 'ttl', 'epoch', 'status')
local version, generation = seen[1], seen[2]
if not version then
  return reply('missing')
end
local refused = closed(seen[6])
if refused then
  return refused
end
if outbox_full() then
  return reply('backlog')
end
local seq = seq_after(seen[3])
whole(seen[4], 'ttl') -- checked before the first write; refresh_for takes it as read
local id, json = next_event_after(generation, seen[5], seq, version, arg.type, arg.rest, '', {})
refresh_for(seen[4])
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', generation)
