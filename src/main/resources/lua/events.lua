-- Events after ARGV[4] ('' = from the start), at most ARGV[5]; refreshes the TTL.
-- Returns {0} for an unknown workflow, else {1, known, entries}; known is 0 when ARGV[4] is not in
-- the retained stream (trimmed or never issued).
if redis.call('EXISTS', STATE) == 0 then
  return {0}
end
refresh()
local known, start = 1, '-'
if ARGV[4] ~= '' then
  if #redis.call('XRANGE', EVENTS, ARGV[4], ARGV[4]) == 0 then
    known = 0
  end
  start = '(' .. ARGV[4]
end
return {1, known, redis.call('XRANGE', EVENTS, start, '+', 'COUNT', ARGV[5])}
