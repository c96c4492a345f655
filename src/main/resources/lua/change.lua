-- A change of a workflow's drafts or snapshots, with a new state when it writes one (commit, rollback),
-- and its one event; checked against what the caller read (compare-and-set), so a concurrent change
-- makes the caller read again rather than overwrite it.
-- ARGV[7] expected version ('' = any), [8] new state JSON ('' = unchanged), [9] updated_at,
-- [10] event type, [11] event rest, [12] number of field operations, then four arguments per operation:
-- side name (drafts, snapshots), field, expected value ('' = absent, '*' = any), new value
-- ('' = remove the field).
local version = redis.call('HGET', STATE, 'version')
if not version then
  return {'missing'}
end
if ARGV[7] ~= '' and ARGV[7] ~= version then
  return {'stale', version}
end
local ops = tonumber(ARGV[12])
for i = 0, ops - 1 do
  local at = 13 + i * 4
  local expected = ARGV[at + 2]
  if expected ~= '*' then
    local actual = redis.call('HGET', SIDES[ARGV[at]], ARGV[at + 1]) or ''
    if actual ~= expected then
      return {'stale', version}
    end
  end
end
if outbox_full() then
  return {'backlog'}
end
for i = 0, ops - 1 do
  local at = 13 + i * 4
  local side, field, value = SIDES[ARGV[at]], ARGV[at + 1], ARGV[at + 3]
  if value == '' then
    redis.call('HDEL', side, field)
  else
    redis.call('HSET', side, field, value)
  end
end
local writes_state = ARGV[8] ~= ''
if writes_state then
  version = tonumber(version) + 1
  redis.call('HSET', STATE, 'state', ARGV[8], 'version', version, 'updated_at', ARGV[9])
end
local id, json, seq = next_event(version, ARGV[10], ARGV[11], writes_state or ARGV[10] == 'snapshot.created')
refresh()
return {'ok', id, json, seq, redis.call('HGET', STATE, 'generation'), version}
