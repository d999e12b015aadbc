#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: its own cluster in a temporary folder,
# listening on 127.0.0.1 on a free port, owned by the 'postgres' account when run as root
# (PostgreSQL refuses to run as root) and by the caller otherwise.
#   eval "$(bash scripts/test-services.sh start)"   # exports SUPERVISION_AUDIT_TEST_PG(_DIR)
#   bash scripts/test-services.sh stop "$SUPERVISION_AUDIT_TEST_PG_DIR"
# As root, Debian's postgresql-15 is installed through apt-get when missing. Without root
# and without PostgreSQL it says so on stderr and exports nothing (those tests then skip).
set -euo pipefail
note() { printf '%s\n' "$*" >&2; }

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { printf '%s\n' "$dir"; return 0; }
  done
  return 1
}

as_owner() {  # run a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  if ! bin="$(pg_bin)"; then
    if [ "$(id -u)" -ne 0 ]; then
      note "PostgreSQL is not installed and this account is not root: the PostgreSQL tests"
      note "will be skipped. To run them: apt-get install -y postgresql-15 (as root)."
      return 0
    fi
    note "Installing PostgreSQL 15 for the tests (a minute)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql-15 >/dev/null
    bin="$(pg_bin)"
  fi
  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/supervision-audit-pg.XXXXXX")"
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  # a test server: no durability needed, many connections from the load of the tests
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  printf 'export SUPERVISION_AUDIT_TEST_PG=%q\n' "postgresql://postgres@127.0.0.1:$port/postgres"
  printf 'export SUPERVISION_AUDIT_TEST_PG_DIR=%q\n' "$dir"
}

stop() {
  local dir="${1:-}" bin
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  bin="$(pg_bin)" || return 0
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) note "usage: $0 start | stop DIR"; exit 2 ;;
esac
