-- Idempotency-Key records (docs/REDIS.md, "Idempotency keys"): one hash per tenant, token subject, method,
-- path and key, in the slot of the workflow the request changes, so that the workflow scripts (_lib.lua)
-- check the reservation and mark it applied in the same step as the change.
-- Fields: fp (the request's fingerprint), owner (the reserving request), ttl (ms, how long an applied or
-- answered record is kept), state (in-flight | applied | done), and when done status, headers (JSON), body.
--
-- KEYS[1] = workflow:idem:{s<n>}<tenant>:<id>:<digest>
-- reserve:  ARGV = 'reserve', fingerprint, owner, lease ms, ttl ms
--           -> {'reserved'}, or {'found', fp, state, status, headers, body} when the record exists
-- complete: ARGV = 'complete', owner, ttl ms, status, headers JSON, body
--           -> 1 when the record was this owner's (now done), else 0
-- release:  ARGV = 'release', owner -> 1 when this owner's in-flight reservation was dropped, else 0
--           (an applied record stays: its change happened)
local record = KEYS[1]
if ARGV[1] == 'reserve' then
  local found = redis.call('HMGET', record, 'fp', 'state', 'status', 'headers', 'body')
  if found[2] then
    return {'found', found[1] or '', found[2], found[3] or '', found[4] or '', found[5] or ''}
  end
  redis.call('HSET', record, 'fp', ARGV[2], 'owner', ARGV[3], 'ttl', ARGV[5], 'state', 'in-flight')
  redis.call('PEXPIRE', record, ARGV[4])
  return {'reserved'}
elseif ARGV[1] == 'complete' then
  if redis.call('HGET', record, 'owner') ~= ARGV[2] then
    return 0
  end
  redis.call('HSET', record, 'state', 'done', 'status', ARGV[4], 'headers', ARGV[5], 'body', ARGV[6])
  redis.call('PEXPIRE', record, ARGV[3])
  return 1
elseif ARGV[1] == 'release' then
  local held = redis.call('HMGET', record, 'owner', 'state')
  if held[1] == ARGV[2] and held[2] == 'in-flight' then
    return redis.call('DEL', record)
  end
  return 0
end
return redis.error_reply('idempotency.lua: unknown operation ' .. tostring(ARGV[1]))
