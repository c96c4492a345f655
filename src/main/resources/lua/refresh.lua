-- Refresh-token rotation for one token family (one login session), atomically.
-- KEYS[1] = auth:refresh:{<family>} (hash: <sha256 of a token> -> record JSON, 'revoked' -> '1')
-- ARGV[1] = hash of the presented token, ARGV[2] = hash of its successor, ARGV[3] = now (epoch s),
-- ARGV[4] = refresh TTL (s)
-- Returns {'ok', record} (the presented token's record; the successor is stored active),
-- {'invalid'}, {'revoked'}, or {'reused', record} (the family is now revoked).
local family = KEYS[1]
if redis.call('HGET', family, 'revoked') then
  return {'revoked'}
end
local raw = redis.call('HGET', family, ARGV[1])
if not raw then
  return {'invalid'}
end
local record = cjson.decode(raw)
if record.state == 'rotated' then
  redis.call('HSET', family, 'revoked', '1')
  return {'reused', raw}
end
local now = tonumber(ARGV[3])
if record.exp < now then
  return {'invalid'}
end
record.state = 'rotated'
redis.call('HSET', family, ARGV[1], cjson.encode(record))
record.state = 'active'
record.exp = now + tonumber(ARGV[4])
redis.call('HSET', family, ARGV[2], cjson.encode(record))
redis.call('EXPIRE', family, tonumber(ARGV[4]))
return {'ok', raw}
