-- The head of the workflow scripts' function library, each script a function after it (RedisFunctions), and
-- prepended to each script run by SHA instead (RedisScripts); either way a script starts with begin(KEYS, ARGV),
-- at the end of this file. Every key (and the channel)
-- carries the hash tag of the workflow's shard, {s<n>}, followed by the workflow's own <tenant>:<id>: one slot.
-- KEYS[1] = workflow:state:{s<n>}<tenant>:<id>  (hash)
-- KEYS[2] = workflow:events:{s<n>}<tenant>:<id> (stream)
-- KEYS[3] = workflow:mark:{s<n>}<tenant>:<id>   (hash: generation, last_seq, deleted; with persistence)
-- KEYS[4..10] = the workflow's side keys: drafts (hash), snapshots (hash), actions (hash), action queue
--   (stream with the consumer group of workers), action leases (sorted set by deadline), interrupts (hash),
--   outputs (hash: token streams, see output_append.lua)
-- KEYS[11] = the shard's flush outbox stream flowcast:outbox:{s<n>}, when persistence is on (write buffer
--   for PostgreSQL)
-- KEYS[12] = the bytes the shard's outbox entries hold (a counter, decremented by flush_ack.lua)
-- ARGV[1] = event retention (approximate MAXLEN), ARGV[2] = the workflow's shard channel (SPUBLISH),
-- ARGV[3] = seconds the event stream outlives the state hash (to announce expiry),
-- ARGV[4] = request id (audit), ARGV[5] = the shard's outbox capacity (0 = persistence off),
-- ARGV[6] = seconds the mark is kept, ARGV[7] = the shard's outbox capacity in bytes, ARGV[8] = the owner of
-- the request's Idempotency-Key claim, or '' (with a claim, its record is the last key, KEYS[#KEYS]: see
-- idempotency.lua); a script's own arguments start at ARGV[9], named by the script's
-- `local arg = args(...)` line (ScriptArgs.java builds them by the same names).
-- A script replies with reply(outcome, name, value, ...) (ScriptReply.java reads the values by name).
-- The call's keys and arguments by name, set by begin() (below) before the script runs: in a function
-- library (RedisScripts) these locals outlive a call, so begin() sets every one of them on every call.
local STATE, EVENTS, MARK
local DRAFTS, SNAPSHOTS, ACTIONS, QUEUE, LEASES
local INTERRUPTS, OUTPUTS
local SIDE_KEYS = {}
-- the sides features keep field by field (SideData.Side), by name
local SIDES = {}
local OUTBOX, OUTBOX_BYTES
local RETENTION, CHANNEL, GRACE
local REQUEST, CAPACITY, MARK_TTL
local CAPACITY_BYTES
local CLAIM_OWNER
local CLAIM
local CLAIM_TTL
local OWN_ARGS = 8
local TAG
local ARGS
-- the workflow's TTL when the script read it already (changeable()), so refresh() need not read it again
local KNOWN_TTL

-- The script's own arguments by the names it declares, in order from ARGV[9]. A name ending in '...' takes a
-- list: the remaining arguments when it is the last name, else as many as the argument in front of the list
-- says (ScriptArgs puts that count there).
local function args(...)
  local names, named, at = {...}, {}, OWN_ARGS + 1
  for i, name in ipairs(names) do
    if string.byte(name, -1) == 46 then -- '...'
      local last = #ARGS
      if i < #names then
        last = at + tonumber(ARGS[at])
        at = at + 1
      end
      local list
      if last - at < 64 then
        list = {unpack(ARGS, at, last)}
      else -- unpack has a bound; a long list is copied one by one
        list = {}
        for j = at, last do
          list[#list + 1] = ARGS[j]
        end
      end
      named[string.sub(name, 1, -4)] = list
      at = last + 1
    else
      named[name] = ARGS[at]
      at = at + 1
    end
  end
  return named
end

-- A reply: the outcome (ScriptReply.Outcome), then name, value pairs.
local function reply(outcome, ...)
  return {outcome, ...}
end

-- The terminal statuses of the lifecycle (Lifecycle.TERMINAL in Java; LifecycleContract holds the two equal):
-- a workflow in one takes no change, event or action until it is reopened.
local TERMINAL = {completed = true, failed = true, cancelled = true}

-- The reply that refuses a change to a workflow whose status (as read) is terminal, or nil.
local function closed(status)
  if TERMINAL[status] then
    return reply('terminal', 'status', status, 'reason', redis.call('HGET', STATE, 'cancel_reason') or '')
  end
  return nil
end

-- The version of a workflow that takes changes, or nil and the reply that refuses them: missing (not in
-- Redis: the caller may put it back from PostgreSQL) or terminal (its status).
local function changeable()
  local version, status, ttl = unpack(redis.call('HMGET', STATE, 'version', 'status', 'ttl'))
  KNOWN_TTL = ttl
  if not version then
    return nil, reply('missing')
  end
  local refused = closed(status)
  if refused then
    return nil, refused
  end
  return version
end

-- A full write buffer refuses new changes rather than dropping anything.
local function outbox_full()
  if CAPACITY == 0 then
    return false
  end
  return redis.call('XLEN', OUTBOX) >= CAPACITY
    or (tonumber(redis.call('GET', OUTBOX_BYTES)) or 0) >= tonumber(CAPACITY_BYTES)
end

-- The workflow's fields, as Workflow.toSnapshotJson writes them (SnapshotFormatTest holds the two equal), and
-- how the state hash keeps each (Workflow.toFields): a 'json' value (an object, a number) as its JSON text, a
-- 'text' as it is, a 'plain' text too (one Flowcast makes, a status or a time, that JSON never escapes).
-- WORKFLOW has those every state hash has; a field added since is an entry of WORKFLOW_ADDED ('text' or
-- 'json'), which a hash written before it lacks. Nothing else in the scripts names a field.
local WORKFLOW = {status = 'plain', state = 'json', metadata = 'json', version = 'json', created_at = 'plain',
  updated_at = 'plain', ttl = 'json'}
local WORKFLOW_ADDED = {}

-- The workflow's fields by name, from the list Java passes (Workflow.toFields: name, value, ...); a name this
-- file does not declare stops the script before it writes anything (Java and Lua disagree on the fields).
local function workflow_of(list)
  local w = {}
  for i = 1, #list, 2 do
    local name = list[i]
    if not (WORKFLOW[name] or WORKFLOW_ADDED[name]) then
      error('not a field of a workflow: ' .. tostring(name))
    end
    w[name] = list[i + 1]
  end
  return w
end

-- The names of the fields `w` lacks (a patch reads them from the state hash).
local function kept_fields(w)
  local kept = {}
  for name in pairs(WORKFLOW) do
    if not w[name] then
      kept[#kept + 1] = name
    end
  end
  for name in pairs(WORKFLOW_ADDED) do
    if not w[name] then
      kept[#kept + 1] = name
    end
  end
  return kept
end

-- What create, patch and restore write to the state hash with one HSET: the workflow's `list` (as
-- workflow_of read it) and after it the hash's own fields `...` (generation, last_seq, ...).
local function workflow_fields(list, ...)
  local n, more = #list, {...}
  for i = 1, #more do
    list[n + i] = more[i]
  end
  return list
end

-- The workflow `w` (by name: workflow_of, or the state hash) as the flusher writes it to PostgreSQL:
-- Workflow.toSnapshotJson's format. The fields of WORKFLOW are written out (one concatenation on the hot
-- path, the state copied once); an added field the hash lacks is left out, and Workflow.read gives it its
-- default.
local function workflow_json(w)
  local added = '}'
  if next(WORKFLOW_ADDED) then
    local parts = {}
    for name, kind in pairs(WORKFLOW_ADDED) do
      if w[name] then
        parts[#parts + 1] = ',"' .. name .. '":' .. (kind == 'json' and w[name] or cjson.encode(w[name]))
      end
    end
    added = table.concat(parts) .. '}'
  end
  return '{"status":"' .. w.status .. '","state":' .. w.state .. ',"metadata":' .. w.metadata .. ',"version":'
    .. w.version .. ',"created_at":"' .. w.created_at .. '","updated_at":"' .. w.updated_at .. '","ttl":' .. w.ttl
    .. added
end

-- The same, from the state hash.
local function snapshot()
  local names = {}
  for _, fields in ipairs({WORKFLOW, WORKFLOW_ADDED}) do
    for name in pairs(fields) do
      names[#names + 1] = name
    end
  end
  local h, w = redis.call('HMGET', STATE, unpack(names)), {}
  for i, name in ipairs(names) do
    w[name] = h[i]
  end
  return workflow_json(w)
end

-- Appends one event to the stream, publishes it to every instance and hands it to the flusher.
-- `generation` is the workflow's life (the epoch it was created with: PostgreSQL's key); `epoch` is the
-- epoch its ids carry now, the same unless the workflow was read back after Redis lost its data (then
-- a new one, so that no id of the lost tail is handed out again). Its id is `<epoch>-<seq>`.
-- `rest` is the event's JSON after its id, seq and version: ',"workflow_id":...}'.
-- `workflow` is the snapshot to store with it ('' when the event does not change the workflow).
local function append_event(generation, epoch, seq, version, etype, rest, workflow)
  local body = '"seq":' .. seq .. ',"version":' .. version .. rest
  local id = (epoch or generation) .. '-' .. seq
  local added = redis.pcall('XADD', EVENTS, 'MAXLEN', '~', RETENTION, id, 'seq', seq, 'g', generation, 'b', body)
  if type(added) == 'table' and added.err then
    -- a workflow created before epoch ids: its stream's ids are times, which this id may not follow
    id = redis.call('XADD', EVENTS, 'MAXLEN', '~', RETENTION, '*', 'seq', seq, 'g', generation, 'b', body)
  end
  local json = '{"id":"' .. id .. '",' .. body
  redis.call('SPUBLISH', CHANNEL, id .. '\n' .. seq .. '\n' .. etype .. '\n' .. json)
  if CLAIM then
    -- the request's Idempotency-Key record says, in the same step, that its change happened
    redis.call('HSET', CLAIM, 'state', 'applied')
    redis.call('PEXPIRE', CLAIM, CLAIM_TTL)
  end
  if CAPACITY > 0 then
    redis.call('XADD', OUTBOX, '*', 'w', TAG, 'g', generation, 'e', json, 'r', REQUEST, 's', workflow)
    -- the size the flusher takes off again (OutboxRecord.bytes): the texts, and a fixed overhead
    redis.call('INCRBY', OUTBOX_BYTES, #TAG + #json + #REQUEST + #workflow + 64)
    -- the mark remembers the newest event of this id even after the state left Redis, so a reload from
    -- PostgreSQL never resurrects a deleted workflow or reuses a seq that is still in the buffer. Its TTL
    -- is refreshed with the side keys (refresh_for); here only a new mark's, and the last event's (a
    -- delete or an expiry: no refresh follows them)
    local created = redis.call('HSET', MARK, 'generation', generation, 'last_seq', seq,
      'deleted', etype == 'workflow.deleted' and '1' or '0')
    if created > 0 or etype == 'workflow.deleted' or etype == 'workflow.expired' then
      redis.call('EXPIRE', MARK, MARK_TTL)
    end
  end
  return id, json
end

-- Announces a change of the workflow on its tenant's feed (FeedChange in Java): created, changed (a new
-- version or status), deleted or expired; the status and time are '' when unknown (expired).
-- Its channel is the workflow channel's name with 'feed' for 'channel' and without the workflow's id
-- (RedisKeys.feedChannel names it the same way): in the shard's slot, so the script that changes the
-- workflow publishes it.
local function announce(type, version, status, updated_at)
  local prefix, shard, tenant = string.match(CHANNEL, '^(.*)workflow:channel:({s%d+})([^:]*):')
  assert(prefix, 'not a workflow channel: ' .. CHANNEL)
  redis.call('SPUBLISH', prefix .. 'workflow:feed:' .. shard .. tenant, type .. '\n' .. TAG .. '\n' .. version .. '\n' .. status .. '\n' .. updated_at)
end

-- The next event of a live workflow: its seq comes from the state hash, which remembers the newest id.
-- With `with_snapshot`, the flusher also gets the workflow as it is after the event.
local function next_event(version, etype, rest, with_snapshot)
  local seq = redis.call('HINCRBY', STATE, 'last_seq', 1)
  local generation, epoch = unpack(redis.call('HMGET', STATE, 'generation', 'epoch'))
  local workflow = ''
  if with_snapshot and CAPACITY > 0 then
    workflow = snapshot()
  end
  local id, json = append_event(generation, epoch, seq, version, etype, rest, workflow)
  redis.call('HSET', STATE, 'last_id', id)
  return id, json, seq
end

-- A field of the state hash as read that must be a whole number; anything else stops the script, as
-- HINCRBY or EXPIRE would: read and check before the script writes anything.
local function whole(value, field)
  local n = tonumber(value)
  assert(n and n == math.floor(n), field .. ' of ' .. STATE .. ' is not a whole number')
  return n
end

-- The seq of the next event after the state hash's `last_seq` field as read (false when absent).
local function seq_after(last_seq)
  if not last_seq then
    return 1
  end
  return whole(last_seq, 'last_seq') + 1
end

-- The same as next_event for a script that read the workflow up front (the hot paths: one HMGET, then
-- `seq` from seq_after, and every field of the state hash, `fields` and the new seq and id, in one HSET).
local function next_event_after(generation, epoch, seq, version, etype, rest, workflow, fields)
  local id, json = append_event(generation, epoch, seq, version, etype, rest, workflow)
  local n = #fields
  fields[n + 1], fields[n + 2], fields[n + 3], fields[n + 4] = 'last_seq', seq, 'last_id', id
  redis.call('HSET', STATE, unpack(fields))
  return id, json
end

-- Every interaction keeps the workflow alive for its TTL (seconds), with its event stream and side keys.
-- Only the state hash's expiry is exact: it is the workflow's (expired.lua runs when it expires, and
-- expires_at says when). The event stream (GRACE longer, to announce the expiry) and the side keys need
-- only outlive it, so they are given up to SLACK_MS more (a quarter of the TTL, at most a minute) and set
-- again only when the state would now outlive them: on steady changes, once per slack instead of on
-- every change. What makes the stream's remaining time tell for all of them: every side key that exists
-- expires no earlier than the stream less GRACE (a full refresh sets the stream first, and a key a script
-- may have created is given the stream's expiry less GRACE: the script names it, `...`). With persistence
-- the mark is kept with them (append_event gives a new mark its TTL).
local SLACK_MS = 60000

local function refresh_for(ttl, ...)
  redis.call('EXPIRE', STATE, ttl)
  local needed = (ttl + GRACE) * 1000
  local left = redis.call('PTTL', EVENTS) -- -1 without a TTL, -2 without the stream: both < needed
  if left >= needed then
    for i = 1, select('#', ...) do
      redis.call('PEXPIRE', (select(i, ...)), left - GRACE * 1000)
    end
    return
  end
  local slack = math.min(ttl * 250, SLACK_MS)
  redis.call('PEXPIRE', EVENTS, needed + slack)
  for _, side in ipairs(SIDE_KEYS) do
    redis.call('PEXPIRE', side, ttl * 1000 + slack)
  end
  if CAPACITY > 0 then
    redis.call('PEXPIRE', MARK, tonumber(MARK_TTL) * 1000 + slack)
  end
end

-- The keys of a set ({key = true}) as a list, for refresh(...).
local function listed(set)
  local keys = {}
  for key in pairs(set) do
    keys[#keys + 1] = key
  end
  return keys
end

-- The same with the TTL the script read (changeable()), or read now. `...`: the side keys the script may
-- have created (see refresh_for).
local function refresh(...)
  refresh_for(KNOWN_TTL or redis.call('HGET', STATE, 'ttl'), ...)
end

-- A new epoch for ids: the Redis server's clock in microseconds, raised above `floor` (a number).
local function new_epoch(floor)
  local time = redis.call('TIME')
  local epoch = tonumber(time[1]) * 1000000 + tonumber(time[2])
  if epoch <= floor then
    epoch = floor + 1
  end
  return string.format('%.0f', epoch)
end

-- The epoch part of an event id, as text (nil for none).
local function epoch_of(id)
  return id and string.match(id, '^(%d+)-')
end

-- Removes what lives only as long as the workflow (deleted, expired, or an id created again).
local function drop_side_keys()
  redis.call('DEL', unpack(SIDE_KEYS))
end

-- The workflow's unanswered interrupts (open or expired): their ids and deadlines (epoch ms as text, '0' for
-- none), kept in the field `open` of the INTERRUPTS hash (see interrupt_raise.lua).
local function unanswered_interrupts()
  local open = redis.call('HGET', INTERRUPTS, 'open')
  return open and cjson.decode(open) or {}
end

-- The change that gives a workflow a terminal `status` closes its unanswered interrupts (InMemoryInterrupts.close).
local function close_interrupts(status)
  if not TERMINAL[status] then
    return
  end
  for iid in pairs(unanswered_interrupts()) do
    redis.call('HSET', INTERRUPTS, iid .. ':state', 'closed')
  end
  redis.call('HDEL', INTERRUPTS, 'open')
end

-- The first step of every script (RedisScripts puts it before the script's own code): names the call's
-- keys and arguments (above), then checks the request's Idempotency-Key claim: a request with one changes
-- the workflow only while its reservation is still its own; one that ran out, or that a retry took over
-- after it ran out, changes nothing (the reply that ends the script, else nil).
local function begin(keys, argv)
  STATE, EVENTS, MARK = keys[1], keys[2], keys[3]
  DRAFTS, SNAPSHOTS, ACTIONS, QUEUE, LEASES = keys[4], keys[5], keys[6], keys[7], keys[8]
  INTERRUPTS, OUTPUTS = keys[9], keys[10]
  SIDE_KEYS[1], SIDE_KEYS[2], SIDE_KEYS[3], SIDE_KEYS[4] = DRAFTS, SNAPSHOTS, ACTIONS, QUEUE
  SIDE_KEYS[5], SIDE_KEYS[6], SIDE_KEYS[7] = LEASES, INTERRUPTS, OUTPUTS
  SIDES.drafts, SIDES.snapshots = DRAFTS, SNAPSHOTS
  OUTBOX, OUTBOX_BYTES = keys[11], keys[12]
  RETENTION, CHANNEL, GRACE = argv[1], argv[2], tonumber(argv[3])
  -- (MARK_TTL and CAPACITY_BYTES stay text: most calls need neither as a number, and text makes no
  -- conversion, which costs a script more than it looks)
  REQUEST, CAPACITY, MARK_TTL = argv[4], tonumber(argv[5]), argv[6]
  CAPACITY_BYTES = argv[7]
  CLAIM_OWNER = argv[8]
  CLAIM = CLAIM_OWNER ~= '' and keys[#keys] or nil
  CLAIM_TTL = nil
  TAG = string.sub(STATE, string.find(STATE, '}', 1, true) + 1)
  ARGS = argv
  KNOWN_TTL = nil
  if CLAIM then
    local held = redis.call('HMGET', CLAIM, 'owner', 'ttl')
    if held[1] ~= CLAIM_OWNER then
      return reply('unclaimed')
    end
    CLAIM_TTL = held[2]
  end
  return nil
end
