-- Prepended to every workflow script when it is loaded (see RedisScripts).
-- KEYS[1] = workflow:state:{<tenant>:<id>}  (hash)
-- KEYS[2] = workflow:events:{<tenant>:<id>} (stream)
-- ARGV[1] = event retention (approximate MAXLEN), ARGV[2] = pub/sub channel,
-- ARGV[3] = seconds the event stream outlives the state hash (to announce expiry)
local STATE, EVENTS = KEYS[1], KEYS[2]
local RETENTION, CHANNEL, GRACE = ARGV[1], ARGV[2], tonumber(ARGV[3])

-- Appends one event to the stream and publishes it to every instance. `rest` is the event's JSON
-- after its id, seq and version: ',"workflow_id":...}'. Returns the event id and its JSON.
local function append_event(seq, version, etype, rest)
  local body = '"seq":' .. seq .. ',"version":' .. version .. rest
  local id = redis.call('XADD', EVENTS, 'MAXLEN', '~', RETENTION, '*', 'seq', seq, 'b', body)
  local json = '{"id":"' .. id .. '",' .. body
  redis.call('PUBLISH', CHANNEL, id .. '\n' .. seq .. '\n' .. etype .. '\n' .. json)
  return id, json
end

-- The next event of a live workflow: its seq comes from the state hash, which remembers the newest id.
local function next_event(version, etype, rest)
  local seq = redis.call('HINCRBY', STATE, 'last_seq', 1)
  local id, json = append_event(seq, version, etype, rest)
  redis.call('HSET', STATE, 'last_id', id)
  return id, json, seq
end

-- Every interaction keeps the workflow alive for its TTL.
local function refresh()
  local ttl = tonumber(redis.call('HGET', STATE, 'ttl'))
  redis.call('EXPIRE', STATE, ttl)
  redis.call('EXPIRE', EVENTS, ttl + GRACE)
end
