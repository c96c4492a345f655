-- Presence of the workflow's watchers (docs/API.md, "Presence"): leases in the hash PRESENCE, the last key
-- (in the workflow's slot; RedisCalls passes it as an extra key, never with an Idempotency-Key claim). One field
-- per lease, <holder>\n<subject> (a holder has no newline), holding JSON {s: subject, st: status ('' for
-- none), j: began, at: status set, exp: runs out} (times in epoch ms, as strings); the field '#g' names the
-- workflow's life (generation) the leases belong to. Members are the subjects with a lease; a member's status
-- is that of its lease whose status was set last.
-- op: 'set' (the lease of holder and subject gets status, running until `expires`), 'leave' (drops it),
-- 'list' (nothing else). Every op first drops the leases that ran out (exp <= now); then, unless the
-- workflow is terminal, appends one event per member whose presence changed: presence.joined {subject,
-- status}, presence.updated {subject, status, from}, presence.left {subject, reason: left | expired}, whose
-- actor is `subject` for the caller's own member, 'system' for another's; the event JSON is
-- WorkflowEvents.rest's. Refreshes the workflow's TTL.
-- now, expires: epoch ms; created_at: `now` in RFC 3339; workflow_id: the workflow's id.
-- Replies ok (members: JSON array of {subject, status, joined_at: ms}, events: the events' JSON, epoch,
-- leases: how many remain, latest: the latest expiry in ms, or 0), missing, backlog.
local arg = args('op', 'subject', 'holder', 'status', 'now', 'expires', 'created_at', 'workflow_id')
local PRESENCE = KEYS[#KEYS]
local now = tonumber(arg.now)
local seen = redis.call('HMGET', STATE, 'version', 'generation', 'status', 'ttl')
local version, generation = seen[1], seen[2]
if not version then
  return reply('missing')
end
local ttl_seconds = whole(seen[4], 'ttl')

local held = redis.call('HGETALL', PRESENCE)
local leases, life = {}, nil
for i = 1, #held, 2 do
  if held[i] == '#g' then
    life = held[i + 1]
  else
    leases[held[i]] = cjson.decode(held[i + 1])
  end
end
local reset = false
if #held > 0 and life ~= generation then
  leases, reset = {}, true -- an earlier life's watchers are not this one's
end

local function members(all)
  local by = {}
  for _, l in pairs(all) do
    local m = by[l.s]
    if not m then
      by[l.s] = {status = l.st, at = tonumber(l.at), joined = tonumber(l.j)}
    else
      if tonumber(l.at) > m.at then
        m.status, m.at = l.st, tonumber(l.at)
      end
      if tonumber(l.j) < m.joined then
        m.joined = tonumber(l.j)
      end
    end
  end
  return by
end

local before = members(leases)
local dropped, expired = {}, {}
for field, l in pairs(leases) do
  if tonumber(l.exp) <= now then
    dropped[#dropped + 1] = field
    expired[l.s] = true
  end
end
for _, field in ipairs(dropped) do
  leases[field] = nil
end
local own = arg.holder .. '\n' .. arg.subject
local written = nil
if arg.op == 'set' then
  local old = leases[own]
  local same = old and old.st == arg.status
  written = {s = arg.subject, st = arg.status, j = old and old.j or arg.now, at = same and old.at or arg.now,
    exp = arg.expires}
  leases[own] = written
elseif arg.op == 'leave' then
  if leases[own] then
    dropped[#dropped + 1] = own
    leases[own] = nil
  end
end
local after = members(leases)

local function str(v)
  if v == nil or v == '' then
    return 'null'
  end
  return cjson.encode(v)
end
local subjects = {}
for s in pairs(before) do subjects[#subjects + 1] = s end
for s in pairs(after) do
  if not before[s] then subjects[#subjects + 1] = s end
end
table.sort(subjects)
local changes = {}
for _, s in ipairs(subjects) do
  local was, is = before[s], after[s]
  local callers = s == arg.subject and arg.op ~= 'list'
  local actor = callers and arg.subject or 'system'
  if not was then
    changes[#changes + 1] = {'presence.joined', '{"subject":' .. str(s) .. ',"status":' .. str(is.status) .. '}', actor}
  elseif not is then
    local reason = (expired[s] and not callers) and 'expired' or 'left'
    changes[#changes + 1] = {'presence.left', '{"subject":' .. str(s) .. ',"reason":"' .. reason .. '"}', actor}
  elseif was.status ~= is.status then
    changes[#changes + 1] = {'presence.updated', '{"subject":' .. str(s) .. ',"status":' .. str(is.status)
      .. ',"from":' .. str(was.status) .. '}', actor}
  end
end
local terminal = closed(seen[3]) ~= nil
if #changes > 0 and not terminal and outbox_full() then
  return reply('backlog') -- nothing written: the caller (or the next sweep) tries again
end

-- write the leases
local latest = 0
local count = 0
for _, l in pairs(leases) do
  count = count + 1
  if tonumber(l.exp) > latest then
    latest = tonumber(l.exp)
  end
end
if reset or count == 0 then
  redis.call('DEL', PRESENCE)
elseif #dropped > 0 then
  redis.call('HDEL', PRESENCE, unpack(dropped))
end
if count > 0 then
  if written then
    -- after a reset the written lease is the only one
    redis.call('HSET', PRESENCE, own, cjson.encode(written), '#g', generation)
  end
  -- a safety net only (a day past the latest lease: instance clocks need not agree with Redis's); the
  -- leases run out by `now`, and a hash whose workflow is gone is left to this TTL
  redis.call('PEXPIRE', PRESENCE, math.max(0, latest - now) + 86400000)
end

local events = {}
if not terminal then
  for _, c in ipairs(changes) do
    local rest = ',"workflow_id":' .. cjson.encode(arg.workflow_id) .. ',"type":"' .. c[1] .. '","data":' .. c[2]
      .. ',"parent_id":null,"metadata":{},"actor":' .. cjson.encode(c[3]) .. ',"created_at":"' .. arg.created_at .. '"}'
    local _, json = next_event(version, c[1], rest, false)
    events[#events + 1] = json
  end
end
refresh_for(ttl_seconds)

local listed = {}
for _, s in ipairs(subjects) do
  local m = after[s]
  if m then
    listed[#listed + 1] = '{"subject":' .. str(s) .. ',"status":' .. str(m.status) .. ',"joined_at":'
      .. string.format('%.0f', m.joined) .. '}'
  end
end
return reply('ok', 'members', '[' .. table.concat(listed, ',') .. ']', 'events', events, 'epoch', generation,
  'leases', count, 'latest', string.format('%.0f', latest))
