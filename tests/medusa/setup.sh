#!/usr/bin/env bash
# Starts a real Medusa 2 server for procure's integration tests:
#   - a private PostgreSQL instance (data under tests/medusa/.run/),
#   - Medusa (npm packages pinned in .app/package-lock.json) on 127.0.0.1,
#   - a fresh database seeded through the HTTP API (seed.mjs),
# and writes tests/medusa/.run/env (KEY=value lines) for the tests.
#
# Idempotent: a second run stops the Medusa it started before, keeps the
# installed packages and the PostgreSQL instance, recreates the database
# from a migrated template and seeds it again. Non-interactive; needs Node.js
# >= 20.19 and, where PostgreSQL is missing, root for apt-get.
#
# Environment (all optional):
#   MEDUSA_PORT      HTTP port of Medusa            (default 9123)
#   MEDUSA_PG_PORT   port of the private PostgreSQL (default 54329)
#   MEDUSA_HEALTH_TIMEOUT  seconds to wait for /health (default 180)
# Stop everything with tests/medusa/stop.sh.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
APP="$HERE/.app"
RUN="$HERE/.run"
MEDUSA_PORT="${MEDUSA_PORT:-9123}"
PG_PORT="${MEDUSA_PG_PORT:-54329}"
HEALTH_TIMEOUT="${MEDUSA_HEALTH_TIMEOUT:-180}"
DB_NAME="medusa"
MEDUSA_URL="http://127.0.0.1:${MEDUSA_PORT}"
MEDUSA_LOG="$RUN/medusa.log"
SETUP_LOG="$RUN/setup.log"

ADMIN_EMAIL="admin@procure.test"
ADMIN_PASSWORD="procure-admin-pw"
CUSTOMER_EMAIL="einkauf@mueller-maschinenbau.test"
CUSTOMER_PASSWORD="procure-test-pw"
OTHER_CUSTOMER_EMAIL="einkauf@weber-elektro.test"
OTHER_CUSTOMER_PASSWORD="procure-test-pw"

export MEDUSA_DISABLE_TELEMETRY=true
export NODE_ENV=development
export NPM_CONFIG_UPDATE_NOTIFIER=false
export NPM_CONFIG_FUND=false
export NPM_CONFIG_AUDIT=false

START_TS=$(date +%s)
step() { printf '[medusa-setup %3ss] %s\n' "$(($(date +%s) - START_TS))" "$*"; }

LAST_LOG=""
MEDUSA_PID=""
on_error() {
  local rc=$? line=${1:-?}
  echo "" >&2
  echo "[medusa-setup] FAILED (exit $rc) at setup.sh line $line" >&2
  for f in "$LAST_LOG" "$SETUP_LOG"; do
    if [[ -n "$f" && -s "$f" ]]; then
      echo "---- last 40 lines of $f ----" >&2
      tail -n 40 "$f" >&2 || true
    fi
  done
  if [[ -n "${MEDUSA_PID:-}" ]] && kill -0 "$MEDUSA_PID" 2>/dev/null; then
    echo "[medusa-setup] stopping the Medusa started by this run (pid $MEDUSA_PID)" >&2
    kill -TERM "$MEDUSA_PID" 2>/dev/null || true
  fi
  exit "$rc"
}
trap 'on_error $LINENO' ERR

mkdir -p "$RUN"
: >"$SETUP_LOG"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------
# 1. Stop the Medusa a previous run started (the database is recreated).
# ---------------------------------------------------------------------------
is_our_medusa() {
  local pid=$1
  [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$APP" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "medusajs/cli/cli.js start"
}
if [[ -f "$RUN/medusa.pid" ]]; then
  old_pid=$(cat "$RUN/medusa.pid")
  if is_our_medusa "$old_pid"; then
    step "stopping previous Medusa (pid $old_pid)"
    kill -TERM "$old_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do is_our_medusa "$old_pid" || break; sleep 0.1; done
    if is_our_medusa "$old_pid"; then kill -KILL "$old_pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$RUN/medusa.pid"
fi
rm -f "$RUN/env"

# ---------------------------------------------------------------------------
# 2. Tools: Node.js and PostgreSQL server binaries.
# ---------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[medusa-setup] node and npm are required (Node.js >= 20.19)" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "[medusa-setup] Node.js >= 20.19 is required by Medusa 2, found $(node -v)" >&2
  exit 1
fi

find_pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
    echo "$d"
  fi
}
PG_BIN=$(find_pg_bin)
if [[ -z "$PG_BIN" ]]; then
  step "installing PostgreSQL from Debian packages"
  if [[ $EUID -ne 0 ]]; then
    echo "[medusa-setup] PostgreSQL server binaries missing; run as root or: apt-get install postgresql" >&2
    exit 1
  fi
  LAST_LOG="$SETUP_LOG"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >>"$SETUP_LOG" 2>&1
  apt-get install -y --no-install-recommends postgresql >>"$SETUP_LOG" 2>&1
  PG_BIN=$(find_pg_bin)
  [[ -n "$PG_BIN" ]] || { echo "[medusa-setup] PostgreSQL installed but no server binaries found" >&2; exit 1; }
fi
PSQL="$PG_BIN/psql"
[[ -x "$PSQL" ]] || PSQL=psql
step "PostgreSQL binaries: $PG_BIN"

# ---------------------------------------------------------------------------
# 3. npm packages (reused while package-lock.json is unchanged).
# ---------------------------------------------------------------------------
LOCK_HASH=$(cat "$APP/package-lock.json" <(node -v) | sha256sum | cut -c1-16)
STAMP="$APP/node_modules/.procure-install-stamp"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$LOCK_HASH" && -x "$APP/node_modules/.bin/medusa" ]]; then
  step "npm packages already installed (reusing .app/node_modules)"
else
  step "installing Medusa npm packages (npm ci, about a minute)"
  LAST_LOG="$RUN/npm.log"
  (cd "$APP" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >"$RUN/npm.log" 2>&1
  echo "$LOCK_HASH" >"$STAMP"
fi
MEDUSA_VERSION=$(node -p 'require(process.argv[1]).version' "$APP/node_modules/@medusajs/medusa/package.json")
step "Medusa $MEDUSA_VERSION"

# ---------------------------------------------------------------------------
# 4. Private PostgreSQL instance.
# ---------------------------------------------------------------------------
if [[ $EUID -eq 0 ]]; then
  as_pg() { runuser -u postgres -- "$@"; }
  id postgres >/dev/null 2>&1 || { echo "[medusa-setup] system user 'postgres' is missing" >&2; exit 1; }
  PGDATA_DIR="$RUN/pgdata"
  # The server runs as 'postgres', which must be able to reach the folder.
  if ! runuser -u postgres -- test -x "$RUN"; then
    PGDATA_DIR="/var/tmp/procure-medusa-pg-$(echo "$RUN" | sha256sum | cut -c1-12)/pgdata"
    step "postgres cannot reach $RUN; using $PGDATA_DIR"
  fi
else
  as_pg() { "$@"; }
  PGDATA_DIR="$RUN/pgdata"
fi
PG_LOG="$(dirname "$PGDATA_DIR")/postgres.log"
echo "$PGDATA_DIR" >"$RUN/pgdata.path"

if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
  step "initdb $PGDATA_DIR"
  rm -rf "$PGDATA_DIR"
  mkdir -p "$PGDATA_DIR"
  chmod 700 "$PGDATA_DIR"
  if [[ $EUID -eq 0 ]]; then chown postgres: "$PGDATA_DIR" "$(dirname "$PGDATA_DIR")"; fi
  LAST_LOG="$SETUP_LOG"
  as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >>"$SETUP_LOG" 2>&1
fi
touch "$PG_LOG"
if [[ $EUID -eq 0 ]]; then chown postgres: "$PG_LOG"; fi

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; }
if pg_running; then
  running_port=$(sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)
  if [[ "$running_port" != "$PG_PORT" ]]; then
    step "restarting PostgreSQL (port $running_port -> $PG_PORT)"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >>"$SETUP_LOG" 2>&1
  fi
fi
if pg_running; then
  step "PostgreSQL already running on 127.0.0.1:$PG_PORT"
else
  if port_in_use "$PG_PORT"; then
    echo "[medusa-setup] port $PG_PORT is taken by another program; set MEDUSA_PG_PORT" >&2
    exit 1
  fi
  step "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  LAST_LOG="$PG_LOG"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >>"$SETUP_LOG" 2>&1
fi
PG_PID=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
echo "$PG_PID" >"$RUN/postgres.pid"

PG_URL_BASE="postgres://postgres@127.0.0.1:$PG_PORT"
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$PSQL" "$PG_URL_BASE/postgres" -v ON_ERROR_STOP=1 -qAt "$@"; }
LAST_LOG="$SETUP_LOG"
for _ in $(seq 1 50); do psql_q -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
psql_q -c 'select 1' >/dev/null

# ---------------------------------------------------------------------------
# 5. Database: copy of a migrated template (rebuilt when packages or the
#    config change), so every run starts from a clean, unseeded database.
# ---------------------------------------------------------------------------
medusa_cli() { (cd "$APP" && node node_modules/@medusajs/cli/cli.js "$@"); }
TPL_HASH=$(cat "$APP/package-lock.json" "$APP/medusa-config.js" <(echo "$ADMIN_EMAIL $ADMIN_PASSWORD") | sha256sum | cut -c1-12)
TPL="medusa_tpl_$TPL_HASH"
if [[ "$(psql_q -c "select 1 from pg_database where datname = '$TPL'")" != "1" ]]; then
  step "building migrated template database $TPL (medusa db:migrate)"
  for old in $(psql_q -c "select datname from pg_database where datname like 'medusa_tpl_%'"); do
    psql_q -c "drop database if exists \"$old\" with (force)"
  done
  psql_q -c "create database \"${TPL}_build\""
  LAST_LOG="$RUN/migrate.log"
  DATABASE_URL="$PG_URL_BASE/${TPL}_build" medusa_cli db:migrate >"$RUN/migrate.log" 2>&1
  DATABASE_URL="$PG_URL_BASE/${TPL}_build" medusa_cli user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" >>"$RUN/migrate.log" 2>&1
  LAST_LOG="$SETUP_LOG"
  psql_q -c "alter database \"${TPL}_build\" rename to \"$TPL\""
else
  step "reusing migrated template database $TPL"
fi
step "recreating database $DB_NAME from $TPL"
psql_q -c "drop database if exists \"$DB_NAME\" with (force)"
psql_q -c "create database \"$DB_NAME\" template \"$TPL\""
DATABASE_URL="$PG_URL_BASE/$DB_NAME"

# ---------------------------------------------------------------------------
# 6. Medusa server.
# ---------------------------------------------------------------------------
if port_in_use "$MEDUSA_PORT"; then
  echo "[medusa-setup] port $MEDUSA_PORT is taken by another program; set MEDUSA_PORT" >&2
  exit 1
fi
step "starting Medusa on $MEDUSA_URL (log: $MEDUSA_LOG)"
LAST_LOG="$MEDUSA_LOG"
(
  cd "$APP"
  export DATABASE_URL MEDUSA_PORT
  exec setsid node node_modules/@medusajs/cli/cli.js start -H 127.0.0.1 -p "$MEDUSA_PORT" \
    </dev/null >"$MEDUSA_LOG" 2>&1
) &
MEDUSA_PID=$!
echo "$MEDUSA_PID" >"$RUN/medusa.pid"

health() {
  node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$MEDUSA_URL/health"
}
deadline=$(($(date +%s) + HEALTH_TIMEOUT))
until health; do
  if ! kill -0 "$MEDUSA_PID" 2>/dev/null; then
    echo "[medusa-setup] Medusa exited before becoming healthy" >&2
    false
  fi
  if (($(date +%s) > deadline)); then
    echo "[medusa-setup] Medusa not healthy after ${HEALTH_TIMEOUT}s" >&2
    false
  fi
  sleep 0.5
done
if ! is_our_medusa "$MEDUSA_PID"; then
  echo "[medusa-setup] pid $MEDUSA_PID is not the Medusa server that answers on $MEDUSA_URL" >&2
  false
fi
step "Medusa is healthy (pid $MEDUSA_PID)"

# ---------------------------------------------------------------------------
# 7. Seed through the admin and store APIs, write the env file.
# ---------------------------------------------------------------------------
step "seeding catalogue, prices, stock, customers (seed.mjs)"
LAST_LOG="$RUN/seed.log"
SEED_OUT="$RUN/seed.out"
(
  cd "$APP"
  MEDUSA_URL="$MEDUSA_URL" \
  MEDUSA_ADMIN_EMAIL="$ADMIN_EMAIL" MEDUSA_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  MEDUSA_CUSTOMER_EMAIL="$CUSTOMER_EMAIL" MEDUSA_CUSTOMER_PASSWORD="$CUSTOMER_PASSWORD" \
  MEDUSA_OTHER_CUSTOMER_EMAIL="$OTHER_CUSTOMER_EMAIL" MEDUSA_OTHER_CUSTOMER_PASSWORD="$OTHER_CUSTOMER_PASSWORD" \
  node seed.mjs
) >"$SEED_OUT" 2>"$RUN/seed.log"
cat "$RUN/seed.log"

{
  echo "# Written by tests/medusa/setup.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ). Values with spaces are single-quoted."
  echo "MEDUSA_URL=$MEDUSA_URL"
  echo "MEDUSA_PORT=$MEDUSA_PORT"
  echo "MEDUSA_VERSION=$MEDUSA_VERSION"
  echo "MEDUSA_ADMIN_EMAIL=$ADMIN_EMAIL"
  echo "MEDUSA_ADMIN_PASSWORD=$ADMIN_PASSWORD"
  echo "MEDUSA_CUSTOMER_EMAIL=$CUSTOMER_EMAIL"
  echo "MEDUSA_CUSTOMER_PASSWORD=$CUSTOMER_PASSWORD"
  echo "MEDUSA_OTHER_CUSTOMER_EMAIL=$OTHER_CUSTOMER_EMAIL"
  echo "MEDUSA_OTHER_CUSTOMER_PASSWORD=$OTHER_CUSTOMER_PASSWORD"
  cat "$SEED_OUT"
  echo "MEDUSA_PID=$MEDUSA_PID"
  echo "MEDUSA_LOG=$MEDUSA_LOG"
  echo "POSTGRES_PID=$PG_PID"
  echo "POSTGRES_PORT=$PG_PORT"
  echo "POSTGRES_DATA_DIR=$PGDATA_DIR"
  echo "DATABASE_URL=$DATABASE_URL"
} >"$RUN/env.tmp"
mv "$RUN/env.tmp" "$RUN/env"
rm -f "$SEED_OUT"

step "ready: $MEDUSA_URL (Medusa $MEDUSA_VERSION); env file: $RUN/env; stop with tests/medusa/stop.sh"
