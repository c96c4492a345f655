#!/usr/bin/env bash
# Runs the whole Flowcast test suite (unit + integration) on a fresh Debian 12
# machine with Java 17+.
#
#   bash scripts/test.sh              # full suite: ./mvnw -B verify
#   bash scripts/test.sh -Dtest=Foo   # extra arguments are passed to Maven
#
# Before running Maven it makes sure the backing services of the integration
# tests are reachable, installing (apt-get) and starting them when needed:
#   - Redis      at 127.0.0.1:6379
#   - PostgreSQL at 127.0.0.1:5432, user postgres, trust auth, database "test"
# that redis-server and redis-cli are installed (tests start private Redis
# processes and a private Redis Cluster on free ports), that PostgreSQL's
# server programs (initdb, pg_ctl) and, when run as root, the OS user postgres
# exist (the PostgreSQL crash tests start, SIGKILL and restart a private PostgreSQL
# on a free port in a temporary directory, as that user), that the
# load-balancer test (NginxLoadBalancerTest) has nginx on the PATH
# (apt-get install nginx; the test starts its own nginx on free ports), that
# the openssl CLI is there (the TLS tests make their certificates with it), curl (the
# deploy tests run the health checks, which are curl commands),
# that python3 and node run the bridge examples (examples/python, examples/node),
# and that the browser test (DashboardBrowserTest) has its tools:
#   - Debian's chromium at /usr/bin/chromium (apt-get install chromium)
#   - src/test/js/node_modules (npm ci --prefix src/test/js; Node 20+)
# Services that are already running are used as they are; nothing is ever
# stopped or killed. Services started here are left running afterwards.
#
# Environment:
#   FLOWCAST_TEST_REDIS_URL  default redis://127.0.0.1:6379
#   FLOWCAST_TEST_PG_URL     default postgresql://postgres@127.0.0.1:5432/test
#     If one of these is set to something other than the local default
#     address, that service is not checked/provisioned locally.
#   FLOWCAST_TEST_REDIS_PORT, FLOWCAST_TEST_PG_PORT, FLOWCAST_TEST_PG_DIR
#     (rarely needed) alternative local ports / private PostgreSQL directory.
#   FLOWCAST_TEST_PG_BIN      directory of initdb and pg_ctl for the crash tests
#     (set here; the tests otherwise look in /usr/lib/postgresql/*/bin, then PATH)
#   FLOWCAST_TEST_PG_OS_USER  the OS user the crash tests' PostgreSQL runs as
#     when the tests run as root (default postgres)
set -euo pipefail

log() { echo "[test.sh] $*"; }
die() { echo "[test.sh] ERROR: $*" >&2; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT_DIR"

REDIS_HOST=127.0.0.1
REDIS_PORT="${FLOWCAST_TEST_REDIS_PORT:-6379}"
PG_HOST=127.0.0.1
PG_PORT="${FLOWCAST_TEST_PG_PORT:-5432}"
PG_USER=postgres
PG_DB=test
STATE_DIR="${TMPDIR:-/tmp}"
STATE_DIR="${STATE_DIR%/}"
PG_PRIVATE_DIR="${FLOWCAST_TEST_PG_DIR:-$STATE_DIR/flowcast-pg}"
REDIS_STATE_DIR="$STATE_DIR/flowcast-redis"

DEFAULT_REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT"
DEFAULT_PG_URL="postgresql://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"

# --------------------------------------------------------------------------
# generic helpers
# --------------------------------------------------------------------------

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root (directly, or via sudo when available).
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "root privileges needed (no sudo available) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 \
    || die "apt-get not found; please install manually: $*"
  log "installing $* (apt-get)"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      || die "apt-get update failed"
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

# Is something accepting TCP connections on host:port?
tcp_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# wait_for <seconds> <description> <command...>
wait_for() {
  local secs="$1" what="$2"; shift 2
  local tries=$((secs * 2)) i
  for ((i = 0; i < tries; i++)); do
    if "$@"; then return 0; fi
    sleep 0.5
  done
  return 1
}

# Hide a password in user:password@ URLs before printing them.
redact() { sed -E 's#://([^:/@]*):[^@/]*@#://\1:***@#' <<<"$1"; }

# Does the URL point at the given local port (i.e. the default local service)?
url_is_local() {
  local url="$1" port="$2"
  case "$url" in
    *127.0.0.1:"$port"*|*localhost:"$port"*) return 0 ;;
    *) return 1 ;;
  esac
}

# --------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------

redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(timeout 5 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
  else
    # Speak RESP directly over bash's /dev/tcp.
    timeout 3 bash -c '
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      printf "PING\r\n" >&3
      IFS= read -r line <&3 || exit 1
      [[ "$line" == "+PONG"* ]]' _ "$REDIS_HOST" "$REDIS_PORT" >/dev/null 2>&1
  fi
}

ensure_redis() {
  if redis_ping; then
    log "Redis is reachable at $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if tcp_open "$REDIS_HOST" "$REDIS_PORT"; then
    die "something listens on $REDIS_HOST:$REDIS_PORT but does not answer Redis PING (password set? other service?)"
  fi

  log "Redis not reachable at $REDIS_HOST:$REDIS_PORT"
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
    command -v redis-server >/dev/null 2>&1 || die "redis-server still not found after installation"
    # The package's post-install may already have started a server.
    if wait_for 3 "Redis" redis_ping; then
      log "Redis is reachable at $REDIS_HOST:$REDIS_PORT"
      return 0
    fi
  fi

  mkdir -p "$REDIS_STATE_DIR"
  local logfile="$REDIS_STATE_DIR/redis-$REDIS_PORT.log"
  log "starting redis-server on $REDIS_HOST:$REDIS_PORT (log: $logfile)"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
    --save "" --appendonly no \
    --dir "$REDIS_STATE_DIR" \
    --pidfile "$REDIS_STATE_DIR/redis-$REDIS_PORT.pid" \
    --logfile "$logfile" \
    || die "redis-server failed to start (see $logfile)"

  if ! wait_for 20 "Redis" redis_ping; then
    [ -f "$logfile" ] && tail -n 20 "$logfile" >&2 || true
    die "Redis did not answer PING on $REDIS_HOST:$REDIS_PORT within 20 s"
  fi
  log "Redis started and reachable at $REDIS_HOST:$REDIS_PORT"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

# Locate a PostgreSQL binary: PATH first, then the newest /usr/lib/postgresql/*/bin.
pg_bin() {
  local name="$1" candidate
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return 0
  fi
  candidate="$(ls -1d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    return 0
  fi
  return 1
}

# Server binaries (not on PATH on Debian): pg_ctl next to initdb.
pg_server_bin() {
  local name="$1" candidate
  candidate="$(ls -1d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    return 0
  fi
  command -v "$name" 2>/dev/null
}

# Is the server accepting connections (no authentication involved)?
pg_up() {
  local isready
  if isready="$(pg_bin pg_isready)"; then
    "$isready" -h "$PG_HOST" -p "$PG_PORT" -t 3 >/dev/null 2>&1
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

# psql over TCP as the test user, never prompting for a password.
pg_psql() {
  local psql
  psql="$(pg_bin psql)" || return 1
  PGCONNECT_TIMEOUT=5 "$psql" -X -w -q -A -t -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"
}

# Run a command as the OS user that owns PostgreSQL data (PostgreSQL refuses
# to run as root).
PG_OS_USER=""
as_pg_user() {
  if is_root; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u "$PG_OS_USER" -- "$@"
    else
      su "$PG_OS_USER" -s /bin/bash -c "$(printf '%q ' "$@")"
    fi
  elif [ "$(id -un)" = "$PG_OS_USER" ]; then
    "$@"
  else
    sudo -u "$PG_OS_USER" -- "$@"
  fi
}

# Start an existing Debian cluster listening on $PG_PORT (pg_lsclusters).
start_system_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local ver name
  # columns: Ver Cluster Port Status Owner Datadir Logfile
  read -r ver name < <(pg_lsclusters -h 2>/dev/null \
    | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }') || true
  [ -n "${ver:-}" ] || return 1

  log "starting existing PostgreSQL cluster $ver/$name (pg_ctlcluster)"
  local rc=0
  if is_root; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || rc=$?
  elif command -v sudo >/dev/null 2>&1; then
    sudo pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || rc=$?
  else
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    log "pg_ctlcluster $ver $name start failed (exit $rc)"
    return 1
  fi
  return 0
}

# Create (once) and start a private trust-auth cluster under $PG_PRIVATE_DIR.
start_private_cluster() {
  local initdb pg_ctl
  initdb="$(pg_server_bin initdb)" || die "initdb not found (is package postgresql installed?)"
  pg_ctl="$(pg_server_bin pg_ctl)" || die "pg_ctl not found (is package postgresql installed?)"

  if is_root; then
    PG_OS_USER=postgres
    if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
      log "creating OS user $PG_OS_USER"
      useradd --system --no-create-home --shell /bin/bash "$PG_OS_USER" \
        || die "could not create OS user $PG_OS_USER"
    fi
  else
    PG_OS_USER="$(id -un)"
  fi

  local data="$PG_PRIVATE_DIR/data" logfile="$PG_PRIVATE_DIR/postgres.log"
  mkdir -p "$PG_PRIVATE_DIR"
  if is_root; then chown "$PG_OS_USER" "$PG_PRIVATE_DIR"; fi
  chmod 700 "$PG_PRIVATE_DIR"

  if [ ! -s "$data/PG_VERSION" ]; then
    log "creating private PostgreSQL cluster in $data (initdb, user $PG_OS_USER)"
    as_pg_user "$initdb" -D "$data" -A trust -U "$PG_USER" -E UTF8 \
      >"$PG_PRIVATE_DIR/initdb.log" 2>&1 \
      || { tail -n 20 "$PG_PRIVATE_DIR/initdb.log" >&2 || true; die "initdb failed (see $PG_PRIVATE_DIR/initdb.log)"; }
  fi

  log "starting private PostgreSQL on $PG_HOST:$PG_PORT (log: $logfile)"
  as_pg_user "$pg_ctl" -D "$data" -l "$logfile" -w -t 30 \
    -o "-c listen_addresses=$PG_HOST -p $PG_PORT -c unix_socket_directories='$PG_PRIVATE_DIR'" \
    start >/dev/null \
    || { tail -n 20 "$logfile" >&2 || true; die "pg_ctl start failed (see $logfile)"; }
}

start_postgres() {
  if ! pg_server_bin pg_ctl >/dev/null || ! pg_server_bin initdb >/dev/null; then
    apt_install postgresql postgresql-client
    # Debian's post-install creates and usually starts cluster <ver>/main.
    if wait_for 5 "PostgreSQL" pg_up; then return 0; fi
  fi
  if start_system_cluster && wait_for 30 "PostgreSQL" pg_up; then
    return 0
  fi
  start_private_cluster
}

# Make sure TCP connections from 127.0.0.1 use trust auth on a Debian system
# cluster (default there is scram-sha-256). Only called when login fails.
PG_HBA_MARKER="# added by flowcast scripts/test.sh"
fix_pg_hba() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  local ver name owner
  read -r ver name owner < <(pg_lsclusters -h 2>/dev/null \
    | awk -v p="$PG_PORT" '$3 == p { print $1, $2, $5; exit }') || true
  [ -n "${ver:-}" ] || return 1
  local hba="/etc/postgresql/$ver/$name/pg_hba.conf"
  [ -f "$hba" ] || return 1

  if ! as_root grep -qF "$PG_HBA_MARKER" "$hba"; then
    log "enabling trust auth for 127.0.0.1 in $hba"
    local tmp
    tmp="$(mktemp)"
    {
      echo "$PG_HBA_MARKER"
      echo "host    all    all    127.0.0.1/32    trust"
      echo "host    all    all    ::1/128         trust"
      as_root cat "$hba"
    } >"$tmp"
    as_root cp "$tmp" "$hba" || { rm -f "$tmp"; return 1; }
    rm -f "$tmp"
  fi
  log "reloading PostgreSQL cluster $ver/$name"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload
}

ensure_postgres() {
  if pg_up; then
    log "PostgreSQL is accepting connections at $PG_HOST:$PG_PORT"
  else
    if tcp_open "$PG_HOST" "$PG_PORT"; then
      log "PostgreSQL port $PG_HOST:$PG_PORT open but not ready yet; waiting"
    else
      log "PostgreSQL not reachable at $PG_HOST:$PG_PORT"
      start_postgres
    fi
    wait_for 30 "PostgreSQL" pg_up \
      || die "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT within 30 s"
    log "PostgreSQL is accepting connections at $PG_HOST:$PG_PORT"
  fi

  if ! pg_bin psql >/dev/null; then
    apt_install postgresql-client
    pg_bin psql >/dev/null || die "psql not found after installing postgresql-client"
  fi

  # Can we log in as postgres without a password?
  if ! pg_psql -d postgres -c 'select 1' >/dev/null 2>&1; then
    log "cannot log in as $PG_USER@$PG_HOST:$PG_PORT without password; trying to enable trust auth"
    fix_pg_hba || true
    wait_for 5 "PostgreSQL login" pg_psql -d postgres -c 'select 1' >/dev/null 2>&1 \
      || { pg_psql -d postgres -c 'select 1' >&2 || true
           die "cannot log in as $PG_USER on $PG_HOST:$PG_PORT with trust auth"; }
  fi

  if [ "$(pg_psql -d postgres -c "select 1 from pg_database where datname = '$PG_DB'" 2>/dev/null)" != "1" ]; then
    log "creating database $PG_DB"
    local createdb
    createdb="$(pg_bin createdb)" || die "createdb not found"
    PGCONNECT_TIMEOUT=5 "$createdb" -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" \
      || die "createdb $PG_DB failed"
  fi

  pg_psql -d "$PG_DB" -c 'select 1' >/dev/null \
    || die "cannot connect to database $PG_DB as $PG_USER on $PG_HOST:$PG_PORT"
  log "PostgreSQL ready: $DEFAULT_PG_URL"
}

# --------------------------------------------------------------------------
# The managed-Redis tests (TLS + ACL) make their own certificates with the openssl CLI
# --------------------------------------------------------------------------

# The fault, TLS, Sentinel and Cluster tests start private redis-server processes (and redis-cli
# --cluster create) on free ports, whichever Redis FLOWCAST_TEST_REDIS_URL names.
ensure_redis_binaries() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  log "redis-server or redis-cli not found"
  apt_install redis-server
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 \
    || die "redis-server and redis-cli still not found after installation"
}

# The PostgreSQL crash tests (PostgresCrashTest, PostgresMidFlushCrashTest) start a private PostgreSQL
# of their own with initdb and pg_ctl (in a temporary directory, on a free port), whichever PostgreSQL
# FLOWCAST_TEST_PG_URL names. PostgreSQL refuses to run as root: as root they run it as the OS user
# postgres (Debian's package creates it). The binaries' directory is passed on as FLOWCAST_TEST_PG_BIN.
ensure_pg_server_binaries() {
  if ! pg_server_bin initdb >/dev/null || ! pg_server_bin pg_ctl >/dev/null; then
    log "initdb or pg_ctl not found"
    # Keep the package's post-install from starting a system cluster: the tests run their own.
    local policy=/usr/sbin/policy-rc.d created=0
    if is_root && [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
    fi
    apt_install postgresql
    if [ "$created" -eq 1 ]; then rm -f "$policy"; fi
    pg_server_bin initdb >/dev/null && pg_server_bin pg_ctl >/dev/null \
      || die "initdb and pg_ctl still not found after installing postgresql"
  fi
  if is_root && ! id -u postgres >/dev/null 2>&1; then
    log "creating OS user postgres (the private PostgreSQL of the crash tests runs as it)"
    useradd --system --no-create-home --shell /bin/bash postgres || die "could not create OS user postgres"
  fi
  FLOWCAST_TEST_PG_BIN="$(dirname "$(pg_server_bin initdb)")"
  export FLOWCAST_TEST_PG_BIN
  log "PostgreSQL server programs for the crash tests: $FLOWCAST_TEST_PG_BIN"
}

# A command the tests run, from the Debian package of the same name when missing: openssl (the TLS tests
# make their certificates with it), curl (the deploy tests run the health checks, which are curl commands).
ensure_tool() {
  if command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  log "$1 not found"
  apt_install "$1"
  command -v "$1" >/dev/null 2>&1 || die "$1 still not found after installation"
}

# --------------------------------------------------------------------------
# Browser test tools (DashboardBrowserTest): chromium and playwright-core
# --------------------------------------------------------------------------

CHROMIUM_BIN=/usr/bin/chromium
JS_TEST_DIR="$ROOT_DIR/src/test/js"

# The bridge examples (examples/python, examples/node) run in the suite: python3 (3.9+) with its
# standard library, and Node (ensured below for the browser test).
ensure_python() {
  if command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
    return
  fi
  log "python3 3.9+ not found; installing"
  apt_install python3
}

ensure_chromium() {
  if [ -x "$CHROMIUM_BIN" ]; then
    log "chromium found at $CHROMIUM_BIN"
    return 0
  fi
  log "chromium not found at $CHROMIUM_BIN"
  apt_install chromium
  [ -x "$CHROMIUM_BIN" ] || die "$CHROMIUM_BIN still missing after installing chromium"
}

# npm ci when node_modules is missing or was installed from another package-lock.json.
ensure_node_modules() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  [ "$major" -ge 20 ] 2>/dev/null \
    || die "the browser test needs Node.js 20+ (playwright-core); found $(node --version 2>/dev/null || echo none)"
  local stamp="$JS_TEST_DIR/node_modules/.flowcast-lock.sha256"
  local want
  want="$(sha256sum "$JS_TEST_DIR/package-lock.json" | cut -d' ' -f1)"
  if [ -d "$JS_TEST_DIR/node_modules/playwright-core" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "browser test node modules are up to date"
    return 0
  fi
  log "installing the browser test's node modules (npm ci --prefix src/test/js)"
  npm ci --prefix "$JS_TEST_DIR" --no-audit --no-fund --loglevel=error >/dev/null \
    || die "npm ci --prefix src/test/js failed"
  echo "$want" >"$stamp"
}

# --------------------------------------------------------------------------
# nginx (NginxLoadBalancerTest starts a private nginx in front of three instances)
# --------------------------------------------------------------------------

nginx_bin() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }
}

ensure_nginx() {
  if nginx_bin >/dev/null; then
    log "nginx found at $(nginx_bin)"
    return 0
  fi
  log "nginx not found"
  # Keep the package's post-install from starting a system nginx on port 80: the test runs its own.
  local policy=/usr/sbin/policy-rc.d created=0
  if is_root && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  apt_install nginx
  if [ "$created" -eq 1 ]; then rm -f "$policy"; fi
  nginx_bin >/dev/null || die "nginx still not found after installation"
}

# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

if [ -z "${JAVA_HOME:-}" ] && ! command -v java >/dev/null 2>&1; then
  die "Java 17+ is required (java not on PATH and JAVA_HOME not set)"
fi

if [ -n "${FLOWCAST_TEST_REDIS_URL:-}" ] && ! url_is_local "$FLOWCAST_TEST_REDIS_URL" "$REDIS_PORT"; then
  log "FLOWCAST_TEST_REDIS_URL is set to a non-local server; not provisioning a local Redis"
else
  ensure_redis
fi

if [ -n "${FLOWCAST_TEST_PG_URL:-}" ] && ! url_is_local "$FLOWCAST_TEST_PG_URL" "$PG_PORT"; then
  log "FLOWCAST_TEST_PG_URL is set to a non-local server; not provisioning a local PostgreSQL"
else
  ensure_postgres
fi

ensure_redis_binaries
ensure_pg_server_binaries
ensure_nginx
ensure_tool openssl
ensure_tool curl
ensure_python
ensure_chromium
ensure_node_modules

export FLOWCAST_TEST_REDIS_URL="${FLOWCAST_TEST_REDIS_URL:-$DEFAULT_REDIS_URL}"
export FLOWCAST_TEST_PG_URL="${FLOWCAST_TEST_PG_URL:-$DEFAULT_PG_URL}"
export FLOWCAST_TEST_NGINX="${FLOWCAST_TEST_NGINX:-$(nginx_bin)}"
log "FLOWCAST_TEST_REDIS_URL=$(redact "$FLOWCAST_TEST_REDIS_URL")"
log "FLOWCAST_TEST_PG_URL=$(redact "$FLOWCAST_TEST_PG_URL")"

log "running ./mvnw -B verify $*"
exec ./mvnw -B verify "$@"
