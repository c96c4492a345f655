-- Events after `after` ('' = from the start), at most `limit`; refreshes the TTL.
-- Replies ok (known: 0 when `after` is not in the retained stream, trimmed or never issued; entries;
-- epoch; last_seq: the workflow's newest event), missing.
local arg = args('after', 'limit')
if redis.call('EXISTS', STATE) == 0 then
  return reply('missing')
end
refresh()
local known, start = 1, '-'
if arg.after ~= '' then
  if #redis.call('XRANGE', EVENTS, arg.after, arg.after) == 0 then
    known = 0
  end
  start = '(' .. arg.after
end
return reply('ok', 'known', known, 'entries', redis.call('XRANGE', EVENTS, start, '+', 'COUNT', arg.limit),
  'epoch', redis.call('HGET', STATE, 'generation'), 'last_seq', redis.call('HGET', STATE, 'last_seq'))
