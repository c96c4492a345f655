-- Events after ARGV[7] ('' = from the start), at most ARGV[8]; refreshes the TTL.
-- Returns {0} for an unknown workflow, else {1, known, entries, generation}; known is 0 when ARGV[7]
-- is not in the retained stream (trimmed, or never issued).
if redis.call('EXISTS', STATE) == 0 then
  return {0}
end
refresh()
local known, start = 1, '-'
if ARGV[7] ~= '' then
  if #redis.call('XRANGE', EVENTS, ARGV[7], ARGV[7]) == 0 then
    known = 0
  end
  start = '(' .. ARGV[7]
end
return {1, known, redis.call('XRANGE', EVENTS, start, '+', 'COUNT', ARGV[8]),
  redis.call('HGET', STATE, 'generation')}
