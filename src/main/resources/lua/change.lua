-- A change of a workflow's drafts or snapshots, with a new state when it writes one (commit, rollback),
-- and its one event; checked against what the caller read (compare-and-set), so a concurrent change
-- makes the caller read again rather than overwrite it.
-- expected_version: '' = any; state: the new state JSON ('' = unchanged); ops: four arguments per
-- field operation: side name (drafts, snapshots), field, expected value ('' = absent, '*' = any), new
-- value ('' = remove the field).
-- Replies ok (id, json, seq, epoch, version), missing, terminal (status), stale (version), backlog.
local arg = args('expected_version', 'state', 'updated_at', 'type', 'rest', 'ops...')
local version, refused = changeable()
if not version then
  return refused
end
if arg.expected_version ~= '' and arg.expected_version ~= version then
  return reply('stale', 'version', version)
end
local ops = arg.ops
for at = 1, #ops, 4 do
  if ops[at + 2] ~= '*' then
    local actual = redis.call('HGET', SIDES[ops[at]], ops[at + 1]) or ''
    if actual ~= ops[at + 2] then
      return reply('stale', 'version', version)
    end
  end
end
if outbox_full() then
  return reply('backlog')
end
local written = {} -- the side keys these writes may create (refresh gives them a TTL)
for at = 1, #ops, 4 do
  local side, field, value = SIDES[ops[at]], ops[at + 1], ops[at + 3]
  if value == '' then
    redis.call('HDEL', side, field)
  else
    redis.call('HSET', side, field, value)
    written[side] = true
  end
end
local writes_state = arg.state ~= ''
if writes_state then
  version = tonumber(version) + 1
  redis.call('HSET', STATE, 'state', arg.state, 'version', version, 'updated_at', arg.updated_at)
end
local id, json, seq = next_event(version, arg.type, arg.rest, writes_state or arg.type == 'snapshot.created')
if writes_state then
  announce('workflow.changed', version, redis.call('HGET', STATE, 'status'), arg.updated_at)
end
refresh(unpack(listed(written)))
return reply('ok', 'id', id, 'json', json, 'seq', seq, 'epoch', redis.call('HGET', STATE, 'generation'),
  'version', version)
