#!/usr/bin/env bash
# Flowcast next to nginx + nchan, measured by the same client (`flowcast bench`) in one session,
# runs interleaved. See docs/PERFORMANCE.md, "nginx + nchan side by side".
#
#   scripts/bench/nchan-side-by-side.sh [fanout] [idle] [profile]     (default: fanout idle)
#
#   fanout   (a) 1,000 SSE subscribers on one workflow/channel, events published as fast as possible
#            (one publisher), and (b) the same at RATE (100) events/s; ROUNDS rounds, Flowcast and nchan
#            interleaved (the order alternates by round), after one short warm-up run of each.
#            FANOUT_SCENARIOS="rate" RATE=20 runs only (b), at 20 events/s; PUBLISHERS=4 publishes from
#            4 closed loops instead of 1
#   idle     IDLE_STREAMS idle streams over 100 workflows/channels, held HOLD seconds, on a fresh
#            server each: Flowcast with JVM defaults, Flowcast with a fixed pre-touched heap, nchan;
#            ROUNDS rounds; RSS (and PSS) growth per stream, and Flowcast's live heap after a full GC
#   profile  Flowcast under fan-out (a) with a JFR recording of PROFILE_S seconds; top frames
#
#   SERVERS="flowcast bridge" (default "flowcast nchan") compares, in the fanout phase, Flowcast's SSE
#   subscribers with subscribers on its TCP event-bus bridge (bench fanout --bridge-port), same
#   server, interleaved; nginx is not started then. SERVERS="flowcast feed" compares them with
#   subscribers on the tenant feed (bench fanout --feed: the publishers PATCH instead).
#   SERVERS="before flowcast nchan" BEFORE_JAR=<jar> adds a second Flowcast, started from BEFORE_JAR (an
#   earlier build), to the fan-out phase: the same runs against it, interleaved with the others (A/B).
#   PROFILE_SCENARIO=rate profiles fan-out (b), at RATE events/s, instead of (a).
#
# Needs target/flowcast.jar (./mvnw -B -q -o -DskipTests package), nginx and libnginx-mod-nchan
# (apt-get install nginx libnginx-mod-nchan), jq, curl, ss. nginx runs in the foreground under its
# own prefix dir in $WORK, on a free loopback port; Flowcast runs with the in-memory backend. Both are
# stopped at the end (by pid). Results: one JSON per run in $OUT, a summary in $OUT/summary.txt.
#
# Before each measured run the script waits (up to MAX_WAIT s) until the machine is nearly idle:
# less than IDLE_PCT % of one core busy over 3 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
JAR=${JAR:-$ROOT/target/flowcast.jar}
CONF=$ROOT/scripts/bench/nchan.conf
WORK=${WORK:-/tmp/flowcast-nchan-bench}
OUT=${OUT:-$WORK/results-$(date -u +%Y%m%dT%H%M%SZ)}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
RATE=${RATE:-100}
PUBLISHERS=${PUBLISHERS:-1}
FANOUT_SCENARIOS=${FANOUT_SCENARIOS:-max rate}
SERVERS=${SERVERS:-flowcast nchan}
IDLE_STREAMS=${IDLE_STREAMS:-20000}
IDLE_WORKFLOWS=${IDLE_WORKFLOWS:-100}
HOLD=${HOLD:-30}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
PRETOUCH_OPTS=${PRETOUCH_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}
PROFILE_S=${PROFILE_S:-20}
PROFILE_SCENARIO=${PROFILE_SCENARIO:-max}
BEFORE_JAR=${BEFORE_JAR:-}
IDLE_PCT=${IDLE_PCT:-20}
MAX_WAIT=${MAX_WAIT:-300}
PHASES=("$@")
[ ${#PHASES[@]} -gt 0 ] || PHASES=(fanout idle)

mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$SUMMARY"; }

[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -q -o -DskipTests package)" >&2; exit 2; }
case " $SERVERS ${PHASES[*]} " in
  *" nchan "*|*" idle "*)
    [ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] || { echo "apt-get install nginx libnginx-mod-nchan" >&2; exit 2; } ;;
esac

# Each stream is one fd in the client and one in the server.
if ! ulimit -n 65536 2>/dev/null; then
  ulimit -n "$(ulimit -Hn)"
  log "warning: cannot raise the open-files limit to 65536 (hard limit $(ulimit -Hn)); using $(ulimit -n)"
fi
LIMIT=$(ulimit -n)
if [ "$LIMIT" != unlimited ] && [ "$IDLE_STREAMS" -gt $((LIMIT - 500)) ]; then
  log "warning: $IDLE_STREAMS idle streams do not fit in $LIMIT fds per process; using $((LIMIT - 500))"
  IDLE_STREAMS=$((LIMIT - 500))
fi

FC_PID= BF_PID= NGX_PID= NGX_LAUNCHER=
cleanup() {
  stop_flowcast || true
  stop_before || true
  stop_nginx || true
}
trap cleanup EXIT

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    if ! ss -Htln "sport = :$p" | grep -q .; then echo "$p"; return; fi
  done
  echo "no free port from $1" >&2; exit 1
}

# Busy % of one core over 3 s, from /proc/stat.
busy_pct() {
  local a b
  a=($(head -1 /proc/stat)); sleep 3; b=($(head -1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( (total - idle) * 100 * $(nproc) / (total > 0 ? total : 1) ))
}

wait_idle() {
  local start=$SECONDS busy
  while :; do
    busy=$(busy_pct)
    if [ "$busy" -lt "$IDLE_PCT" ]; then log "machine idle enough: $busy % of a core busy"; return; fi
    if [ $((SECONDS - start)) -ge "$MAX_WAIT" ]; then
      log "warning: machine still $busy % of a core busy after ${MAX_WAIT}s; running anyway"; return
    fi
  done
}

start_flowcast() { # $1 = label, rest = JVM options
  local label=$1; shift
  FC_PORT=$(free_port 18180)
  FC_BRIDGE_PORT=$(free_port 18380)
  FLOWCAST_HTTP_PORT=$FC_PORT FLOWCAST_BRIDGE_TCP_PORT=$FC_BRIDGE_PORT FLOWCAST_RATELIMIT_ENABLED=false \
    java "$@" -jar "$JAR" > "$OUT/flowcast-$label.log" 2>&1 &
  FC_PID=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$FC_PORT/health" > /dev/null 2>&1 && break
    kill -0 "$FC_PID" 2> /dev/null || { echo "Flowcast exited; see $OUT/flowcast-$label.log" >&2; exit 1; }
    sleep 0.5
  done
  log "Flowcast ($label, JVM options: ${*:-defaults}) pid $FC_PID on 127.0.0.1:$FC_PORT"
}

stop_flowcast() {
  [ -n "$FC_PID" ] || return 0
  kill "$FC_PID" 2> /dev/null && wait "$FC_PID" 2> /dev/null || true
  FC_PID=
}

# The "before" server: Flowcast from BEFORE_JAR, on ports of its own.
start_before() {
  [ -f "$BEFORE_JAR" ] || { echo "SERVERS has before: set BEFORE_JAR to an earlier build's jar" >&2; exit 2; }
  local fc_port=$FC_PORT fc_bridge=$FC_BRIDGE_PORT fc_pid=$FC_PID
  # start_flowcast takes the first free ports from 18180: the running one's are taken
  JAR=$BEFORE_JAR start_flowcast before
  BF_PORT=$FC_PORT BF_PID=$FC_PID
  FC_PORT=$fc_port FC_BRIDGE_PORT=$fc_bridge FC_PID=$fc_pid
  log "(before: $BEFORE_JAR)"
}

stop_before() {
  [ -n "$BF_PID" ] || return 0
  kill "$BF_PID" 2> /dev/null && wait "$BF_PID" 2> /dev/null || true
  BF_PID=
}

start_nginx() {
  local prefix=$WORK/nginx
  NGX_PORT=$(free_port 18280)
  rm -rf "$prefix"; mkdir -p "$prefix/logs" "$prefix/tmp"
  sed -e "s/@PORT@/$NGX_PORT/" -e "s/@WORKERS@/$NGINX_WORKERS/" "$CONF" > "$prefix/nchan.conf"
  nginx -p "$prefix/" -c "$prefix/nchan.conf" -g 'daemon off;' > "$OUT/nginx.out" 2>&1 &
  NGX_LAUNCHER=$!
  for _ in $(seq 1 50); do
    [ -s "$prefix/nginx.pid" ] && ss -Htln "sport = :$NGX_PORT" | grep -q . && break
    sleep 0.2
  done
  NGX_PID=$(cat "$prefix/nginx.pid")
  sleep 0.5
  NGX_PIDS=$(echo "$NGX_PID" $(pgrep -P "$NGX_PID") | tr ' ' ,)
  log "nginx $(nginx -v 2>&1 | sed 's/.*\///') + nchan ($(dpkg-query -W -f '${Version}' libnginx-mod-nchan)), master $NGX_PID, pids $NGX_PIDS, on 127.0.0.1:$NGX_PORT"
}

stop_nginx() {
  [ -n "$NGX_PID" ] || return 0
  kill -QUIT "$NGX_PID" 2> /dev/null || true
  wait "$NGX_LAUNCHER" 2> /dev/null || true
  NGX_PID=
}

bench() { # $1 = result name, rest = bench arguments
  local name=$1; shift
  local rc=0
  java -jar "$JAR" bench "$@" --json > "$OUT/$name.json" 2> "$OUT/$name.err" || rc=$?
  echo "$rc" > "$OUT/$name.rc"
  return 0
}

flowcast_target() { echo --url "http://127.0.0.1:$FC_PORT" --server-pid "$FC_PID"; }
before_target() { echo --url "http://127.0.0.1:$BF_PORT" --server-pid "$BF_PID"; }
bridge_target() { echo $(flowcast_target) --bridge-port "$FC_BRIDGE_PORT"; }
feed_target() { echo $(flowcast_target) --feed; }
nchan_idle_target() {
  echo --sse-url-template "http://127.0.0.1:$NGX_PORT/sub/{workflow}" --server-pid "$NGX_PIDS"
}
nchan_target() {
  echo --sse-url-template "http://127.0.0.1:$NGX_PORT/sub/{workflow}" \
    --publish-url-template "http://127.0.0.1:$NGX_PORT/pub/{workflow}" --server-pid "$NGX_PIDS"
}

# One line per fan-out run; server µs of CPU per delivery = server % of a core × s / deliveries.
fanout_line() {
  jq -r --arg name "$1" --arg rc "$(cat "$OUT/$1.rc")" '
    def r(n): (. * n | round) / n;
    (.cpu.servers_pct // 0) as $srv | (.measured_s // 0) as $s | (.deliveries // 0) as $d |
    "\($name): rc=\($rc) published/s=\(.published_per_s) deliveries/s=\(.deliveries_per_s) " +
    "p50/p99/p99.9/max ms=\(.publish_to_receive.p50_ms)/\(.publish_to_receive.p99_ms)/\(.publish_to_receive.p999_ms)/\(.publish_to_receive.max_ms) " +
    "ack p50/p99=\(.publish_ack.p50_ms)/\(.publish_ack.p99_ms) check=\(.check.ok) received=\(.check.received) " +
    "cpu machine/client/server/others=\(.cpu.machine_busy_pct)/\(.cpu.bench_client_pct)/\($srv)/\(.cpu.other_processes_pct) " +
    "server_us_per_delivery=\(if $d > 0 then ($srv / 100 * $s / $d * 1e6 | r(100)) else "n/a" end)"
  ' "$OUT/$1.json" 2> /dev/null | tee -a "$SUMMARY" \
    || log "$1: no JSON result (rc $(cat "$OUT/$1.rc")); see $OUT/$1.err"
}

fanout_args() { # $1 = max|rate
  local rate=0
  [ "$1" = rate ] && rate=$RATE
  echo fanout --subscribers "$SUBSCRIBERS" --workflows 1 --rate "$rate" --publishers "$PUBLISHERS" \
    --duration "$DURATION" --warmup "$WARMUP"
}

phase_fanout() {
  log "== fan-out: $SUBSCRIBERS subscribers on 1 workflow/channel; max rate and $RATE events/s"
  start_flowcast fanout
  case " $SERVERS " in *" before "*) start_before ;; esac
  case " $SERVERS " in *" nchan "*) start_nginx ;; esac
  log "warm-up runs (10 s each, not measured figures)"
  local server
  for server in $SERVERS; do
    bench "warmup-$server" fanout --subscribers "$SUBSCRIBERS" --workflows 1 --rate 0 --publishers 1 \
      --duration 10 --warmup 0 $(${server}_target)
    fanout_line "warmup-$server"
  done
  local round scenario order
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in $FANOUT_SCENARIOS; do
      order=$SERVERS
      [ $((round % 2)) -eq 0 ] && order=$(echo $SERVERS | tr ' ' '\n' | tac | tr '\n' ' ')
      for server in $order; do
        wait_idle
        log "run: $scenario, $server, round $round"
        local name=fanout-$scenario-$server-$round
        [ "$scenario" = rate ] && name=fanout-rate$RATE-$server-$round
        bench "$name" $(fanout_args "$scenario") $(${server}_target)
        fanout_line "$name"
      done
    done
  done
  stop_flowcast
  stop_before
  stop_nginx
}

# Sum of Rss and Pss (KiB) over the given pids, from /proc/<pid>/smaps_rollup.
mem_kib() {
  local pids=$1 rss=0 pss=0 pid
  for pid in ${pids//,/ }; do
    rss=$((rss + $(awk '/^Rss:/ {print $2}' "/proc/$pid/smaps_rollup")))
    pss=$((pss + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")))
  done
  echo "rss=$rss pss=$pss"
}

heap_used_kib() { # live heap after a full GC (G1: "garbage-first heap total X, used YK")
  jcmd "$1" GC.run > /dev/null
  sleep 1
  jcmd "$1" GC.heap_info | sed -n 's/.*heap *total \([0-9]*\)K, used \([0-9]*\)K.*/committed=\1 used=\2/p' | head -1
}

streams_established() { ss -Htn state established "sport = :$1" | wc -l; }

# $1 = label, $2 = server pids, $3 = port, $4 = java pid or empty, rest = target arguments
idle_run() {
  local label=$1 pids=$2 port=$3 jpid=$4; shift 4
  local before heap0="" heap1="" during
  [ -n "$jpid" ] && heap0=$(heap_used_kib "$jpid")
  sleep 2
  before=$(mem_kib "$pids")
  wait_idle
  log "run: idle $label ($IDLE_STREAMS streams); before: $before ${heap0:+heap $heap0}"
  bench "idle-$label" idle --streams "$IDLE_STREAMS" --workflows "$IDLE_WORKFLOWS" --duration "$HOLD" "$@" &
  local bpid=$! t0=$SECONDS
  while [ "$(streams_established "$port")" -lt "$IDLE_STREAMS" ] && [ $((SECONDS - t0)) -lt "$HOLD" ]; do
    sleep 0.5
  done
  sleep 4 # past the bench's own RSS reading (2 s after the last stream opened)
  during=$(mem_kib "$pids")
  local n
  n=$(streams_established "$port")
  [ -n "$jpid" ] && heap1=$(heap_used_kib "$jpid")
  wait "$bpid"
  log "idle $label: streams established $n; during: $during ${heap1:+heap $heap1}"
  jq -r --arg name "$label" '"idle \($name): rc=RC opened=\(.opened) in \(.open_seconds)s still_open=\(.still_open) " +
    "bench RSS before/open/end KiB=\(.server_rss_before_kib)/\(.server_rss_open_kib)/\(.server_rss_end_kib) " +
    "KiB/stream=\(.server_kib_per_stream) cpu=\(.cpu.machine_busy_pct)/\(.cpu.bench_client_pct)/\(.cpu.servers_pct)/\(.cpu.other_processes_pct)"' \
    "$OUT/idle-$label.json" 2> /dev/null | sed "s/rc=RC/rc=$(cat "$OUT/idle-$label.rc")/" | tee -a "$SUMMARY" \
    || log "idle $label: no JSON result (rc $(cat "$OUT/idle-$label.rc")); see $OUT/idle-$label.err"
  local b_rss b_pss d_rss d_pss
  b_rss=${before#rss=}; b_rss=${b_rss%% *}; b_pss=${before##*pss=}
  d_rss=${during#rss=}; d_rss=${d_rss%% *}; d_pss=${during##*pss=}
  local line
  line=$(awk -v br="$b_rss" -v dr="$d_rss" -v bp="$b_pss" -v dp="$d_pss" -v n="$IDLE_STREAMS" \
    'BEGIN { printf "RSS +%.2f KiB/stream, PSS +%.2f KiB/stream", (dr - br) / n, (dp - bp) / n }')
  if [ -n "$heap1" ]; then
    local u0=${heap0##*used=} u1=${heap1##*used=}
    line="$line, live heap +$(awk -v a="$u0" -v b="$u1" -v n="$IDLE_STREAMS" 'BEGIN { printf "%.2f", (b - a) / n }') KiB/stream"
  fi
  log "idle $label per stream (script's sampling): $line"
}

phase_idle() {
  log "== idle: $IDLE_STREAMS streams over $IDLE_WORKFLOWS workflows/channels, held ${HOLD}s; fresh server per run"
  local round
  for round in $(seq 1 "$ROUNDS"); do
    start_flowcast "idle-default-$round"
    bench "idle-warmup-default-$round" idle --streams 2000 --workflows "$IDLE_WORKFLOWS" --duration 5 $(flowcast_target)
    idle_run "flowcast-default-$round" "$FC_PID" "$FC_PORT" "$FC_PID" $(flowcast_target)
    stop_flowcast

    start_nginx
    bench "idle-warmup-nchan-$round" idle --streams 2000 --workflows "$IDLE_WORKFLOWS" --duration 5 $(nchan_idle_target)
    idle_run "nchan-$round" "$NGX_PIDS" "$NGX_PORT" "" $(nchan_idle_target)
    stop_nginx

    # shellcheck disable=SC2086
    start_flowcast "idle-pretouch-$round" $PRETOUCH_OPTS
    bench "idle-warmup-pretouch-$round" idle --streams 2000 --workflows "$IDLE_WORKFLOWS" --duration 5 $(flowcast_target)
    idle_run "flowcast-pretouch-$round" "$FC_PID" "$FC_PORT" "$FC_PID" $(flowcast_target)
    stop_flowcast
  done
}

# perf (if present): where the server's CPU goes by binary (kernel / JIT code / libjvm / nginx / nchan).
perf_record() { # $1 = name, $2 = pids (comma-separated), $3 = seconds
  command -v perf > /dev/null || return 0
  perf record -q -F 499 -g -p "$2" -o "$OUT/$1.perf.data" -- sleep "$3" > /dev/null 2>&1 || true
  perf report -i "$OUT/$1.perf.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -v '^$' | head -40 \
    > "$OUT/$1.perf-dso.txt" || true
  perf report -i "$OUT/$1.perf.data" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -v '^$' \
    | head -80 > "$OUT/$1.perf-sym.txt" || true
  perf report -i "$OUT/$1.perf.data" --no-children --sort comm --stdio -g none 2> /dev/null | grep -v '^$' \
    | head -30 > "$OUT/$1.perf-threads.txt" || true
}

phase_profile() {
  local rate=0
  [ "$PROFILE_SCENARIO" = rate ] && rate=$RATE
  log "== profile: fan-out at --rate $rate on each server; Flowcast with JFR, both with perf, ${PROFILE_S}s"
  start_flowcast profile
  start_nginx
  local i
  for i in 1 2; do # two, so that C2 is done compiling the delivery path before the recording
    bench "profile-warmup-flowcast-$i" $(fanout_args max) $(flowcast_target)
    fanout_line "profile-warmup-flowcast-$i"
  done
  bench profile-warmup-nchan $(fanout_args max) $(nchan_target)
  fanout_line profile-warmup-nchan
  local server bpid
  for server in flowcast nchan; do
    wait_idle
    bench "profile-$server" fanout --subscribers "$SUBSCRIBERS" --workflows 1 --rate "$rate" --publishers "$PUBLISHERS" \
      --duration $((PROFILE_S + 5)) --warmup 2 $(${server}_target) &
    bpid=$!
    sleep 6 # subscribers open, warm-up over
    if [ "$server" = flowcast ]; then
      jcmd "$FC_PID" JFR.start name=fanout settings=profile duration="${PROFILE_S}s" \
        filename="$OUT/fanout.jfr" > /dev/null
      perf_record profile-flowcast "$FC_PID" "$PROFILE_S"
    else
      perf_record profile-nchan "$NGX_PIDS" "$PROFILE_S"
    fi
    wait "$bpid"
    fanout_line "profile-$server"
  done
  sleep 2
  jfr summary "$OUT/fanout.jfr" > "$OUT/fanout-jfr-summary.txt"
  jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample --stack-depth 64 "$OUT/fanout.jfr" \
    > "$OUT/fanout-samples.txt"
  "$ROOT/scripts/bench/jfr-top.py" "$OUT/fanout-samples.txt" 30 > "$OUT/fanout-top-frames.txt"
  log "JFR: $OUT/fanout.jfr, top frames in $OUT/fanout-top-frames.txt; perf: $OUT/profile-*.perf-{dso,sym,threads}.txt"
  stop_flowcast
  stop_nginx
}

log "flowcast vs nginx + nchan; commit $(git rev-parse --short HEAD 2> /dev/null || echo '?'); $(nproc) cores; fds $(ulimit -n); results in $OUT"
for phase in "${PHASES[@]}"; do
  "phase_$phase"
done
log "done; results in $OUT"
