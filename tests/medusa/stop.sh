#!/usr/bin/env bash
# Stops the Medusa server and the private PostgreSQL instance that
# tests/medusa/setup.sh started, by their recorded process ids, and waits
# until both are gone. Safe to run when nothing is running.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
APP="$HERE/.app"
RUN="$HERE/.run"
say() { echo "[medusa-stop] $*"; }

is_our_medusa() {
  local pid=$1
  [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$APP" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "medusajs/cli/cli.js start"
}

# --- Medusa ---------------------------------------------------------------
if [[ -f "$RUN/medusa.pid" ]]; then
  pid=$(cat "$RUN/medusa.pid")
  if is_our_medusa "$pid"; then
    say "stopping Medusa (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do is_our_medusa "$pid" || break; sleep 0.1; done
    if is_our_medusa "$pid"; then
      say "Medusa did not stop within 15 s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do is_our_medusa "$pid" || break; sleep 0.1; done
    fi
    if is_our_medusa "$pid"; then
      say "ERROR: Medusa (pid $pid) is still running" >&2
      exit 1
    fi
  else
    say "Medusa (pid $pid) is not running"
  fi
  rm -f "$RUN/medusa.pid"
else
  say "no Medusa pid recorded"
fi

# --- PostgreSQL -------------------------------------------------------------
PGDATA_DIR=""
[[ -f "$RUN/pgdata.path" ]] && PGDATA_DIR=$(cat "$RUN/pgdata.path")
[[ -z "$PGDATA_DIR" && -d "$RUN/pgdata" ]] && PGDATA_DIR="$RUN/pgdata"
if [[ -n "$PGDATA_DIR" && -f "$PGDATA_DIR/postmaster.pid" ]]; then
  pg_pid=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$PG_BIN" && -x "$PG_BIN/pg_ctl" ]]; then
    say "stopping PostgreSQL (pid $pg_pid, data $PGDATA_DIR)"
    if [[ $EUID -eq 0 ]]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    else
      "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
  fi
  # Fall back to the recorded postmaster pid if pg_ctl could not stop it.
  if [[ -d "/proc/$pg_pid" ]] && tr '\0' ' ' <"/proc/$pg_pid/cmdline" 2>/dev/null | grep -q -- "$PGDATA_DIR"; then
    say "pg_ctl did not stop PostgreSQL; sending SIGTERM to pid $pg_pid"
    kill -TERM "$pg_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -d "/proc/$pg_pid" ]] || break; sleep 0.1; done
  fi
  if [[ -d "/proc/$pg_pid" ]] && tr '\0' ' ' <"/proc/$pg_pid/cmdline" 2>/dev/null | grep -q -- "$PGDATA_DIR"; then
    say "ERROR: PostgreSQL (pid $pg_pid) is still running" >&2
    exit 1
  fi
else
  say "PostgreSQL is not running"
fi
rm -f "$RUN/postgres.pid" "$RUN/env"
say "stopped"
