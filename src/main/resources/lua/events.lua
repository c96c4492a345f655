-- Events after ARGV[6] ('' = from the start), at most ARGV[7]; refreshes the TTL.
-- Returns {0} for an unknown workflow, else {1, known, entries, generation}; known is 0 when ARGV[6]
-- is not in the retained stream (trimmed, or never issued).
if redis.call('EXISTS', STATE) == 0 then
  return {0}
end
refresh()
local known, start = 1, '-'
if ARGV[6] ~= '' then
  if #redis.call('XRANGE', EVENTS, ARGV[6], ARGV[6]) == 0 then
    known = 0
  end
  start = '(' .. ARGV[6]
end
return {1, known, redis.call('XRANGE', EVENTS, start, '+', 'COUNT', ARGV[7]),
  redis.call('HGET', STATE, 'generation')}
