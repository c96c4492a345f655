-- Reads one action (ARGV[7] its id), or lists them (ARGV[7] ''): in the order they were first queued
-- (their `since`, a queue entry id), after the cursor ARGV[9] ('' = from the start), of status ARGV[8]
-- ('' = any), at most ARGV[10]. Replies {'ok', has_more, then metadata, payload, result, error of each}.
-- Reading is an interaction: it keeps the workflow alive.
local id, status, cursor, limit = ARGV[7], ARGV[8], ARGV[9], tonumber(ARGV[10])
if redis.call('EXISTS', STATE) == 0 then
  return {'missing'}
end
refresh()

local function parts(action_id, meta, out)
  local p = redis.call('HMGET', ACTIONS, action_id .. ':payload', action_id .. ':result', action_id .. ':error')
  table.insert(out, meta)
  table.insert(out, p[1])
  table.insert(out, p[2] or '')
  table.insert(out, p[3] or '')
end

if id ~= '' then
  local meta = redis.call('HGET', ACTIONS, id)
  if not meta then
    return {'unknown'}
  end
  local out = {'ok', 0}
  parts(id, meta, out)
  return out
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
local out = {'ok', #found > limit and 1 or 0}
for i = 1, math.min(limit, #found) do
  parts(found[i].id, found[i].raw, out)
end
return out
