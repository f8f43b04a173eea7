#!/usr/bin/env bash
# Gives the tests a PostgreSQL of their own and prints shell assignments to eval:
#   TEST_DATABASE_URL  a superuser URL of database "test" on a server that checks passwords;
#   TEST_PG_DATADIR    the throwaway cluster to stop afterwards (empty when none was made).
#
# With TEST_DATABASE_URL already set and answering, that server is used as it is. Otherwise a
# throwaway cluster is made with initdb in a temporary directory: scram-sha-256 on TCP with a
# random superuser password, on a free port of 127.0.0.1, touching nothing else on the
# machine. `ensure-postgres.sh --stop DIR` stops it and removes it.
# Diagnostics go to stderr.
set -euo pipefail

log() { echo "ensure-postgres: $*" >&2; }

# as_owner runs a command as the cluster's owner: postgres when we are root (initdb refuses
# root), ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$d" ] && command -v pg_ctl >/dev/null 2>&1; then d=$(dirname "$(command -v pg_ctl)"); fi
  echo "$d"
}

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: ensure-postgres.sh --stop DIR}
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  if [ "$(PGCONNECT_TIMEOUT=5 psql -w "$TEST_DATABASE_URL" -tAc 'SELECT 1' 2>/dev/null)" = 1 ]; then
    printf 'TEST_DATABASE_URL=%q\nTEST_PG_DATADIR=\n' "$TEST_DATABASE_URL"
    exit 0
  fi
  log "TEST_DATABASE_URL is set but does not answer; making a throwaway cluster"
fi

bin=$(bindir)
if [ -z "$bin" ]; then
  log "no PostgreSQL server binaries: install them (apt-get install postgresql) or set TEST_DATABASE_URL"
  exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/sloguard-pg.XXXXXX")
chmod 755 "$dir"
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pwfile"
if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; fi
as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
rm -f "$dir/pwfile"
for port in $(seq 55432 55499); do
  if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null 2>&1; then
    url="postgres://postgres:$password@127.0.0.1:$port/test?sslmode=disable"
    as_owner "$bin/psql" -w -h "$dir" -p "$port" -U postgres -d postgres -qc 'CREATE DATABASE test' >/dev/null
    log "throwaway PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
    printf 'TEST_DATABASE_URL=%q\nTEST_PG_DATADIR=%q\n' "$url" "$dir"
    exit 0
  fi
done
cat "$dir/server.log" >&2
log "could not start the throwaway cluster"
exit 1
