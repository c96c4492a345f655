-- Writes a change computed from version `expected_version` of life `epoch` (compare-and-set) and
-- appends its event. `writes`: field writes that features make with every state change (StateHook),
-- three arguments each: side name, field, value.
-- Replies ok (id, json, seq, epoch), missing, stale (version: the current one), backlog.
local arg = args('expected_version', 'status', 'state', 'metadata', 'updated_at', 'type', 'rest', 'epoch',
  'reason', 'writes...')
local seen = redis.call('HMGET', STATE, 'version', 'generation', 'last_seq', 'ttl', 'created_at', 'epoch')
local current, generation, ttl = seen[1], seen[2], seen[4]
if not current then
  return reply('missing')
end
if current ~= arg.expected_version or generation ~= arg.epoch then
  return reply('stale', 'version', current)
end
if outbox_full() then
  return reply('backlog')
end
-- everything that can fail is computed before the first write (a script is not rolled back)
local version = tonumber(current) + 1
local seq = seq_after(seen[3])
whole(ttl, 'ttl') -- checked before the first write; refresh_for takes it as read (as text: no conversion)
local workflow = ''
if CAPACITY > 0 then
  workflow = workflow_json(arg.status, arg.state, arg.metadata, version, seen[5], arg.updated_at, ttl)
end
local writes = arg.writes
local written = {} -- the side keys these writes may create (refresh_for gives them a TTL)
for i = 1, #writes, 3 do
  redis.call('HSET', SIDES[writes[i]], writes[i + 1], writes[i + 2])
  written[SIDES[writes[i]]] = true
end
close_interrupts(arg.status)
local id, json = next_event_after(generation, seen[6], seq, version, arg.type, arg.rest, workflow,
  {'status', arg.status, 'state', arg.state, 'metadata', arg.metadata, 'version', version,
    'updated_at', arg.updated_at})
-- a cancel's reason, for the refusals that follow it (closed() names it). Only a status move can leave
-- `cancelled` (a reopen: a cancelled workflow takes no other change), so only one forgets it: the hot path
-- of state patches makes no extra call.
if arg.status == 'cancelled' and arg.reason ~= '' then
  redis.call('HSET', STATE, 'cancel_reason', arg.reason)
elseif arg.type ~= 'state.updated' then
  redis.call('HDEL', STATE, 'cancel_reason')
end
announce('workflow.changed', version, arg.status, arg.updated_at)
refresh_for(ttl, unpack(listed(written)))
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', generation)
