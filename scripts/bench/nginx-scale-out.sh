#!/usr/bin/env bash
# Flowcast behind nginx (deploy/nginx/flowcast.conf): one instance vs three on one Redis, measured by
# `flowcast bench fanout` through nginx only, runs alternated. See docs/SCALING.md.
#
#   scripts/bench/nginx-scale-out.sh
#
# Every run: SUBSCRIBERS SSE streams over WORKFLOWS workflows (opened through nginx, so least_conn
# spreads them over the instances), PUBLISHERS publishers through nginx at RATE events/s (0 = as fast as
# possible) for DURATION s after WARMUP s. ROUNDS rounds, each "1 then 3" or "3 then 1" (alternating),
# for each rate in RATES. The instances restart for every run (fresh JVMs, a fresh key prefix).
#
# Needs target/flowcast.jar (./mvnw -B -q -o -DskipTests package), nginx, jq, curl, ss, redis-server.
# Redis: a private redis-server on a free port (nothing else's commands in its CPU figure), or the one
# at REDIS_URL when set (keys then go under a prefix of the run's own, removed after each run), or with
# CLUSTER=1 a private Redis Cluster of 3 masters and 3 replicas (redis-cli --cluster create), the
# instances on redis.type=cluster; every node's CPU is reported.
# Results: one JSON per run in $OUT and $OUT/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
JAR=${JAR:-$ROOT/target/flowcast.jar}
WORK=${WORK:-/tmp/flowcast-scale-bench}
OUT=${OUT:-$WORK/results-$(date -u +%Y%m%dT%H%M%SZ)}
REDIS_URL=${REDIS_URL:-}
ROUNDS=${ROUNDS:-2}
RATES=${RATES:-1000 0}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
SUBSCRIBERS=${SUBSCRIBERS:-300}
WORKFLOWS=${WORKFLOWS:-30}
PUBLISHERS=${PUBLISHERS:-4}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$SUMMARY"; }
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -q -o -DskipTests package)" >&2; exit 2; }
[ -x "$NGINX" ] || { echo "nginx not found (apt-get install nginx)" >&2; exit 2; }

CLUSTER=${CLUSTER:-0}
PIDS=() NGX_PID= PREFIX= REDIS_PRIVATE_PID= CLUSTER_PIDS=() REDIS_TYPE=standalone
cleanup() {
  stop_all || true
  [ -n "$REDIS_PRIVATE_PID" ] && kill "$REDIS_PRIVATE_PID" 2> /dev/null || true
  local pid
  for pid in "${CLUSTER_PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
}
trap cleanup EXIT

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    if ! ss -Htln "sport = :$p" | grep -q .; then echo "$p"; return; fi
  done
  echo "no free port from $1" >&2; exit 1
}

redis_pid() {
  if [ ${#CLUSTER_PIDS[@]} -gt 0 ]; then (IFS=,; echo "${CLUSTER_PIDS[*]}"); return; fi
  local port=${REDIS_URL##*:}; port=${port%%/*}
  ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

start_cluster() {
  local i port ports=() dir=$WORK/cluster
  rm -rf "$dir"; mkdir -p "$dir"
  for i in 1 2 3 4 5 6; do
    port=$(free_port $((18400 + 10 * i)))
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes-$port.conf" \
      --cluster-node-timeout 2000 --save "" --appendonly no --dir "$dir" > "$dir/redis-$port.log" 2>&1 &
    CLUSTER_PIDS+=($!)
    ports+=("$port")
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 40); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.25; done
  done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") --cluster-replicas 1 --cluster-yes \
    > "$dir/create.log" 2>&1
  for _ in $(seq 1 80); do
    redis-cli -p "${ports[0]}" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.25
  done
  REDIS_URL=$(printf 'redis://127.0.0.1:%s,' "${ports[@]:0:3}"); REDIS_URL=${REDIS_URL%,}
  REDIS_TYPE=cluster
  log "private Redis Cluster (3 masters, 3 replicas), pids ${CLUSTER_PIDS[*]}, ports ${ports[*]}"
}

start_instances() { # $1 = how many
  PREFIX="bench-scale-$(date +%s%N | tail -c 9):"
  local i port upstreams=""
  PIDS=()
  for i in $(seq 1 "$1"); do
    port=$(free_port $((18200 + 10 * i)))
    FLOWCAST_HTTP_PORT=$port FLOWCAST_RATELIMIT_ENABLED=false FLOWCAST_REDIS_URL=$REDIS_URL FLOWCAST_REDIS_TYPE=$REDIS_TYPE \
      FLOWCAST_REDIS_FALLBACK=none FLOWCAST_REDIS_KEY_PREFIX=$PREFIX FLOWCAST_HTTP_TRUSTED_PROXIES=127.0.0.1 \
      java -jar "$JAR" > "$OUT/flowcast-$i.log" 2>&1 &
    PIDS+=($!)
    upstreams+="server 127.0.0.1:$port max_fails=1 fail_timeout=10s;"$'\n'
    for _ in $(seq 1 120); do
      curl -fs "http://127.0.0.1:$port/ready" > /dev/null 2>&1 && break
      sleep 0.5
    done
  done
  local dir=$WORK/nginx
  mkdir -p "$dir" && chmod 777 "$dir"
  NGX_PORT=$(free_port 18200)
  sed "s/listen 8080;/listen 127.0.0.1:$NGX_PORT;/; s#access_log /dev/stdout flowcast;#access_log off;#" \
    deploy/nginx/flowcast.conf > "$dir/flowcast.conf"
  printf '%s' "$upstreams" > "$dir/flowcast-upstreams.conf"
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
events { worker_connections 8192; }
http {
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  include $dir/flowcast.conf;
}
CONF
  "$NGINX" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' &
  NGX_PID=$!
  for _ in $(seq 1 40); do ss -Htln "sport = :$NGX_PORT" | grep -q . && break; sleep 0.25; done
  log "$1 instance(s) (pids ${PIDS[*]}) behind nginx :$NGX_PORT (pid $NGX_PID), key prefix $PREFIX"
}

stop_all() {
  [ -n "$NGX_PID" ] && { kill "$NGX_PID" 2> /dev/null; wait "$NGX_PID" 2> /dev/null || true; NGX_PID=; }
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  PIDS=()
  if [ -n "$PREFIX" ] && [ "$REDIS_TYPE" = standalone ]; then
    redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" del > /dev/null
    PREFIX=
  fi
}

run() { # $1 = instances, $2 = rate, $3 = name
  start_instances "$1"
  local nginx_workers pids
  nginx_workers=$(pgrep -P "$NGX_PID" | paste -sd, -)
  pids=$(IFS=,; echo "${PIDS[*]}"),$(redis_pid),$NGX_PID${nginx_workers:+,$nginx_workers}
  java -jar "$JAR" bench fanout --url "http://127.0.0.1:$NGX_PORT" --subscribers "$SUBSCRIBERS" \
    --workflows "$WORKFLOWS" --rate "$2" --publishers "$PUBLISHERS" --duration "$DURATION" --warmup "$WARMUP" \
    --server-pid "$pids" --json > "$OUT/$3.json" 2> "$OUT/$3.err" || true
  jq -r --arg name "$3" --arg pids "$pids" '
    (.measured_s // 0) as $s | (.deliveries // 0) as $d |
    "\($name): published/s=\(.published_per_s) deliveries/s=\(.deliveries_per_s) " +
    "p50/p99/max ms=\(.publish_to_receive.p50_ms)/\(.publish_to_receive.p99_ms)/\(.publish_to_receive.max_ms) " +
    "check=\(.check.ok) cpu machine/client/others=\(.cpu.machine_busy_pct)/\(.cpu.bench_client_pct)/\(.cpu.other_processes_pct) " +
    "per-pid % (pids \($pids))=\(.cpu.per_server_pct | tostring) " +
    "us/delivery per pid=\(.cpu.per_server_pct | with_entries(.value = (if $d > 0 then (.value / 100 * $s / $d * 1e6 * 100 | round / 100) else null end)) | tostring)"
  ' "$OUT/$3.json" 2> /dev/null | tee -a "$SUMMARY" || log "$3: no result; see $OUT/$3.err"
  stop_all
}

if [ "$CLUSTER" = 1 ]; then
  start_cluster
elif [ -z "$REDIS_URL" ]; then
  REDIS_PORT=$(free_port 18300)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    > "$OUT/redis.log" 2>&1 &
  REDIS_PRIVATE_PID=$!
  REDIS_URL=redis://127.0.0.1:$REDIS_PORT
  for _ in $(seq 1 40); do redis-cli -u "$REDIS_URL" ping > /dev/null 2>&1 && break; sleep 0.25; done
  log "private redis-server pid $REDIS_PRIVATE_PID on $REDIS_URL"
fi
log "== $SUBSCRIBERS subscribers over $WORKFLOWS workflows, $PUBLISHERS publishers, rates: $RATES; through nginx"
for round in $(seq 1 "$ROUNDS"); do
  for rate in $RATES; do
    order="1 3"
    [ $((round % 2)) -eq 0 ] && order="3 1"
    for n in $order; do
      run "$n" "$rate" "r$round-rate$rate-n$n"
    done
  done
done
log "done: $OUT"
