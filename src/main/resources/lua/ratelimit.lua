-- GCRA (generic cell rate algorithm) for one policy of one partition (a subject, or a client address).
-- The key holds the partition's theoretical arrival time (TAT): when its quota would be whole again
-- if it made no further request. Time is Redis's own (TIME), so every instance shares one clock.
--
-- KEYS[1] = ratelimit:<policy>:{<partition>}
-- ARGV[1] = emission interval in microseconds (60 000 000 / requests per minute)
-- ARGV[2] = burst: requests a partition with a whole quota may make at once
-- Returns {allowed (1 or 0), remaining, retry_after_us, reset_after_us}: remaining is what may still
-- be sent at once, retry_after_us when a refused request would be admitted, reset_after_us when the
-- quota is whole again.
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then
  tat = now
end
local capacity = interval * burst
local next_tat = tat + interval
local allowed_at = next_tat - capacity
if allowed_at > now then
  return {0, 0, allowed_at - now, tat - now}
end
-- the key lives as long as it holds anything: once TAT has passed, no key and a fresh key are the same
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
return {1, math.floor((now + capacity - next_tat) / interval), 0, next_tat - now}
