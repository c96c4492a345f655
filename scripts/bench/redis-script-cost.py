#!/usr/bin/env python3
"""What one workflow script call costs Redis, without Flowcast around it (docs/PERFORMANCE.md, figure 19).

Drives patch.lua or append.lua straight at a redis-server: 100 workflows made with create.lua, then N
calls round-robin over them, pipelined 64 deep, each script as Flowcast runs it: by SHA (_lib.lua, begin
and the script, EVALSHA) or as a function of one library (_lib.lua once, then a function per script that
runs begin and the script, FCALL), with Flowcast's shared arguments, with or without the write buffer.
Prints the Redis calls the script makes per call (INFO commandstats) and Redis's CPU per call (/proc).
Under callgrind (CALLGRIND=<dir of its output files>, Redis started as
`valgrind --tool=callgrind --callgrind-out-file=<dir>/callgrind.out.%p redis-server ...`) it also prints
the instructions Redis ran per call, which do not depend on what else the machine is doing.

    scripts/bench/redis-script-cost.py --port 18601 --lua src/main/resources/lua --mode fcall --op patch \\
        [--persist] [--calls 2000] [--warmup 640]

--lua may name another commit's scripts (git archive <commit> src/main/resources/lua | tar x -C /tmp/x);
a _lib.lua without begin() is prepended as it was before the function library (no begin call).
"""
import argparse
import glob
import os
import socket
import subprocess
import time

BEGIN = 'local unclaimed = begin(KEYS, ARGV)\nif unclaimed then return unclaimed end\n'
WORKFLOWS, DEPTH = 100, 64


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--lua', required=True)
    p.add_argument('--mode', choices=['evalsha', 'fcall'], default='fcall')
    p.add_argument('--op', choices=['patch', 'append'], default='patch')
    p.add_argument('--persist', action='store_true', help='with the write buffer (as with PostgreSQL)')
    p.add_argument('--calls', type=int, default=2000)
    p.add_argument('--warmup', type=int, default=640)
    a = p.parse_args()
    conn = Resp(a.port)
    pid = int(conn.run(['INFO', 'server'])[0].split('process_id:')[1].split()[0])
    lib = read(a.lua, '_lib') + '\n'
    begin = BEGIN if 'local function begin(' in lib else ''
    if a.mode == 'fcall' and not begin:
        raise SystemExit('these scripts have no begin(): run them with --mode evalsha')
    stamp = str(int(time.time() * 1000))
    names = {}
    if a.mode == 'evalsha':
        for name in ('create', a.op):
            names[name] = ok(conn.run(['SCRIPT', 'LOAD', lib + begin + read(a.lua, name)])[0])
    else:
        body = '#!lua name=cost' + stamp + '\n' + lib
        for name in ('create', a.op):
            names[name] = 'cost' + stamp + '_' + name
            body += "redis.register_function('%s', function(KEYS, ARGV)\n%s%s\nend)\n" % (
                names[name], begin, read(a.lua, name))
        ok(conn.run(['FUNCTION', 'LOAD', body])[0])
    prefix = 'cost' + stamp + ':'

    def call(name, i, own):
        tag = '{s%d}t:wf%d' % (i % 16, i)
        keys = [prefix + 'workflow:%s:%s' % (k, tag) for k in (
            'state', 'events', 'mark', 'drafts', 'snapshots', 'actions', 'queue', 'leases', 'interrupts', 'outputs')]
        if a.persist:
            keys += [prefix + 'flowcast:outbox:{s%d}' % (i % 16), prefix + 'flowcast:outbox:{s%d}:bytes' % (i % 16)]
        shared = ['10000', prefix + 'workflow:channel:' + tag, '300', 'req', '1000000000' if a.persist else '0',
                  '2592000', '1000000000000', '']
        head = ['EVALSHA' if a.mode == 'evalsha' else 'FCALL', names[name], len(keys)]
        return head + keys + shared + own

    def rest(i, etype):
        return (',"workflow_id":"wf%d","type":"%s","data":{},"parent_id":null,"metadata":{},"actor":"bench",'
                '"created_at":"2026-12-03T10:00:00Z"}' % (i, etype))

    epochs, versions = {}, {}
    for i in range(WORKFLOWS):
        r = ok(conn.run(call('create', i, ['running', '{"t":0}', '{}', '1800', '2026-12-03T10:00:00Z', '',
                                           rest(i, 'workflow.created'), '1']))[0])
        epochs[i], versions[i] = r[r.index('epoch') + 1], 1

    def command(k):
        i = k % WORKFLOWS
        if a.op == 'append':
            return call('append', i, ['bench.tick', rest(i, 'bench.tick')])
        versions[i] += 1
        return call('patch', i, [str(versions[i] - 1), 'running', '{"a":1,"b":"hello","t":%d}' % k, '{}',
                                 '2026-12-03T10:00:01Z', 'state.updated', rest(i, 'state.updated'), epochs[i], ''])

    def batch(first, count):
        for r in conn.run(*[command(first + j) for j in range(count)]):
            ok(r)

    for k in range(0, a.warmup, DEPTH):
        batch(k, DEPTH)
    conn.run(['CONFIG', 'RESETSTAT'])
    grind = os.environ.get('CALLGRIND')
    if grind:
        subprocess.run(['callgrind_control', '-z', str(pid)], check=True, capture_output=True)
    cpu0 = cpu(pid)
    for k in range(0, a.calls, DEPTH):
        batch(a.warmup + k, min(DEPTH, a.calls - k))
    cpu1 = cpu(pid)
    line = '%s %s%s: Redis CPU %.1f us per call' % (a.op, a.mode, ' with the write buffer' if a.persist else '',
                                                  (cpu1 - cpu0) * 1e6 / a.calls)
    if grind:
        before = set(glob.glob(grind + '/callgrind.out.*'))
        subprocess.run(['callgrind_control', '-d', str(pid)], check=True, capture_output=True)
        time.sleep(0.5)
        dump = max(set(glob.glob(grind + '/callgrind.out.*')) - before, key=os.path.getmtime)
        total = next(int(l.split()[1]) for l in open(dump) if l.startswith(('summary:', 'totals:')))
        line += ', %d instructions per call (callgrind)' % (total / a.calls)
    print(line)
    stats = {}
    for l in conn.run(['INFO', 'commandstats'])[0].splitlines():
        if l.startswith('cmdstat_'):
            name, values = l[8:].split(':', 1)
            stats[name] = int(values.split(',')[0].split('=')[1])
    inner = {n: c for n, c in stats.items() if n not in ('evalsha', 'fcall', 'info', 'config|resetstat')}
    print('  Redis calls per script call: %.2f (%s)' % (sum(inner.values()) / a.calls, ', '.join(
        '%s %.2f' % (n, c / a.calls) for n, c in sorted(inner.items()))))


def read(directory, name):
    with open(os.path.join(directory, name + '.lua')) as f:
        return f.read()


def ok(reply):
    if isinstance(reply, Exception) or (isinstance(reply, list) and reply and reply[0] != 'ok'):
        raise SystemExit('Redis answered %r' % (reply,))
    return reply


def cpu(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


class Resp:
    """A minimal pipelining RESP2 client (no dependency beyond Python 3)."""

    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.file = self.sock.makefile('rb')

    def run(self, *commands):
        out = []
        for args in commands:
            out.append(b'*%d\r\n' % len(args))
            for arg in args:
                arg = arg if isinstance(arg, bytes) else str(arg).encode()
                out.append(b'$%d\r\n%s\r\n' % (len(arg), arg))
        self.sock.sendall(b''.join(out))
        return [self.reply() for _ in commands]

    def reply(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b'+':
            return rest.decode()
        if kind == b'-':
            return Exception(rest.decode())
        if kind == b':':
            return int(rest)
        if kind == b'$':
            n = int(rest)
            return None if n < 0 else self.file.read(n + 2)[:-2].decode()
        if kind == b'*':
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise ValueError('unexpected reply %r' % line)


if __name__ == '__main__':
    main()
