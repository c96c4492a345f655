-- Writes a change computed from version `expected_version` of life `epoch` (compare-and-set) and
-- appends its event. `workflow`: the fields the change changes, name after value (Workflow.toFields of
-- Workflow.CHANGED); the others are read from the state hash. `writes`: field writes that features make
-- with every state change (StateHook), three arguments each: side name, field, value.
-- Replies ok (id, json, seq, epoch), missing, stale (version: the current one), backlog.
local arg = args('expected_version', 'type', 'rest', 'epoch', 'reason', 'workflow...', 'writes...')
local w = workflow_of(arg.workflow)
local kept = kept_fields(w)
local seen = redis.call('HMGET', STATE, 'version', 'generation', 'last_seq', 'epoch', unpack(kept))
for i, name in ipairs(kept) do
  w[name] = seen[4 + i]
end
local current, generation = seen[1], seen[2]
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
-- the version Java computed from the one checked above
assert(tonumber(w.version) == version, 'the workflow passed is not the next version')
whole(w.ttl, 'ttl') -- checked before the first write; refresh_for takes it as read (as text: no conversion)
local workflow = ''
if CAPACITY > 0 then
  workflow = workflow_json(w)
end
local writes = arg.writes
local written = {} -- the side keys these writes may create (refresh_for gives them a TTL)
for i = 1, #writes, 3 do
  redis.call('HSET', SIDES[writes[i]], writes[i + 1], writes[i + 2])
  written[SIDES[writes[i]]] = true
end
close_interrupts(w.status)
local id, json = next_event_after(generation, seen[4], seq, version, arg.type, arg.rest, workflow,
  workflow_fields(arg.workflow))
-- a cancel's reason, for the refusals that follow it (closed() names it). Only a status move can leave
-- `cancelled` (a reopen: a cancelled workflow takes no other change), so only one forgets it: the hot path
-- of state patches makes no extra call.
if w.status == 'cancelled' and arg.reason ~= '' then
  redis.call('HSET', STATE, 'cancel_reason', arg.reason)
elseif arg.type ~= 'state.updated' then
  redis.call('HDEL', STATE, 'cancel_reason')
end
announce('workflow.changed', version, w.status, w.updated_at)
refresh_for(w.ttl, unpack(listed(written)))
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', generation)
