-- Reads one action (action_id), or lists them (action_id ''): in the order they were first queued
-- (their `since`, a queue entry id), after the cursor ('' = from the start), of status ('' = any), at
-- most `limit`. Reading is an interaction: it keeps the workflow alive.
-- Replies ok (has_more, actions: of each its metadata, payload, result, error), missing, unknown.
local arg = args('action_id', 'status', 'cursor', 'limit')
local id, status, cursor, limit = arg.action_id, arg.status, arg.cursor, tonumber(arg.limit)
if redis.call('EXISTS', STATE) == 0 then
  return reply('missing')
end
refresh()

local function parts(action_id, meta, out)
  local p = redis.call('HMGET', ACTIONS, action_id .. ':payload', action_id .. ':result', action_id .. ':error')
  table.insert(out, {meta, p[1], p[2] or '', p[3] or ''})
end

if id ~= '' then
  local meta = redis.call('HGET', ACTIONS, id)
  if not meta then
    return reply('unknown')
  end
  local out = {}
  parts(id, meta, out)
  return reply('ok', 'has_more', 0, 'actions', out)
end

-- an entry id as two numbers (milliseconds, sequence), for ordering
local function order(since)
  local ms, n = string.match(since, '^(%d+)-(%d+)$')
  return {tonumber(ms), tonumber(n)}
end
local function before(a, b)
  return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2])
end

local after = cursor ~= '' and order(cursor) or nil
local found = {}
for _, name in ipairs(redis.call('HKEYS', ACTIONS)) do
  if not string.find(name, ':', 1, true) then
    local raw = redis.call('HGET', ACTIONS, name)
    local meta = cjson.decode(raw)
    local at = order(meta.since)
    if (status == '' or meta.status == status) and (not after or before(after, at)) then
      table.insert(found, {at = at, id = name, raw = raw})
    end
  end
end
table.sort(found, function(a, b) return before(a.at, b.at) end)
local out = {}
for i = 1, math.min(limit, #found) do
  parts(found[i].id, found[i].raw, out)
end
return reply('ok', 'has_more', #found > limit and 1 or 0, 'actions', out)
