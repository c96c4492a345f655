-- Cache-aside: puts a workflow read from PostgreSQL back into Redis, unless it is there already.
-- `epoch` is the workflow's life (the epoch it was created with), `last_id` its newest flushed event.
-- Its ids go on in the epoch `last_id` carries when Redis still knows this id (its mark: the state only
-- expired, and PostgreSQL has everything); without the mark Redis lost its data, and events it had
-- acknowledged may be lost with it: the ids go on in a new epoch, so none of those is handed out again.
-- Replies restored (epoch: the ids' epoch now, renumbered: 1 when that is a new one, and the version then
-- jumps by version_gap), present (already in
-- Redis), gone (deleted since; PostgreSQL has not heard yet), behind (newer events are still in the write
-- buffer). workflow: its fields, name after value (Workflow.toFields).
local arg = args('epoch', 'last_id', 'last_seq', 'version_gap', 'workflow...')
local w = workflow_of(arg.workflow)
if redis.call('EXISTS', STATE) == 1 then
  return reply('present')
end
local mark = redis.call('HMGET', MARK, 'generation', 'last_seq', 'deleted')
if mark[1] then
  local generation, last_seq = tonumber(mark[1]), tonumber(mark[2])
  local archived_generation, archived_seq = tonumber(arg.epoch), tonumber(arg.last_seq)
  if mark[3] == '1' and generation >= archived_generation then
    return reply('gone')
  end
  if generation > archived_generation or (generation == archived_generation and last_seq > archived_seq) then
    return reply('behind')
  end
end
local ids = epoch_of(arg.last_id) or arg.epoch
local version = w.version
local renumbered = 0
if CAPACITY > 0 and not mark[1] then
  ids = new_epoch(math.max(tonumber(ids), tonumber(arg.epoch)))
  -- versions cannot carry an epoch (If-Match names a bare number): they go on past the most the lost
  -- tail can have handed out (version_gap: one per buffered change at most; 0 in write-through), so
  -- none of those is handed out again
  version = string.format('%.0f', tonumber(w.version) + tonumber(arg.version_gap))
  renumbered = 1
end
-- (the version named again after the workflow's list: the later one counts)
redis.call('HSET', STATE, unpack(workflow_fields(arg.workflow, 'version', version, 'epoch', ids, 'schema', 1,
  'generation', arg.epoch, 'last_id', arg.last_id, 'last_seq', arg.last_seq)))
refresh()
return reply('restored', 'epoch', ids, 'renumbered', renumbered)
