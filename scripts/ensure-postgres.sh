#!/usr/bin/env bash
# Makes sure a PostgreSQL answers for the tests and prints shell assignments to eval:
#   TEST_DATABASE_URL           a superuser URL of database "test";
#   TEST_PASSWORD_DATABASE_URL  a role whose password the server really checks (scram), for
#                               the wrong-password health test; empty when the server's
#                               pg_hba.conf is not ours to change.
# The server is, in order: TEST_DATABASE_URL if set and reachable; the local server at
# 127.0.0.1:5432, started with pg_ctlcluster if it is installed but down; otherwise a
# throwaway cluster made with initdb under .cache/pg (port 55432).
# Diagnostics go to stderr.
set -euo pipefail

log() { echo "ensure-postgres: $*" >&2; }

pw_role=sloguard_pwcheck
pw_secret=sloguard-pwcheck-secret

# finish prints the assignments for a reachable superuser URL, setting up the password role
# (a scram-sha-256 pg_hba.conf line for that role alone, first so that it wins over trust).
finish() {
  local url=$1 pw_url="" hba host port
  hba=$(psql "$url" -tAc 'SHOW hba_file' 2>/dev/null || true)
  if [ -n "$hba" ] && [ -w "$hba" ]; then
    if ! grep -q "^host all $pw_role " "$hba"; then
      sed -i "1i host all $pw_role 127.0.0.1/32 scram-sha-256" "$hba"
    fi
    psql "$url" -qtAc "SELECT pg_reload_conf()" >/dev/null
    psql "$url" -qc "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$pw_role') THEN CREATE ROLE $pw_role LOGIN; END IF;
      END \$\$; SET password_encryption = 'scram-sha-256'; ALTER ROLE $pw_role PASSWORD '$pw_secret'" >/dev/null
    host=$(psql "$url" -tAc "SELECT coalesce(host(inet_server_addr()), '127.0.0.1')")
    port=$(psql "$url" -tAc "SELECT current_setting('port')")
    pw_url="postgres://$pw_role:$pw_secret@$host:$port/test?sslmode=disable"
  else
    log "cannot edit pg_hba.conf of this server: the wrong-password test will not run"
  fi
  printf 'TEST_DATABASE_URL=%q\nTEST_PASSWORD_DATABASE_URL=%q\n' "$url" "$pw_url"
  exit 0
}

reachable() {
  # psql accepts a URL; -tAc prints 1 when the query ran.
  [ "$(psql "$1" -tAc 'SELECT 1' 2>/dev/null)" = "1" ]
}

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  if reachable "$TEST_DATABASE_URL"; then finish "$TEST_DATABASE_URL"; fi
  log "TEST_DATABASE_URL is set but does not answer; trying a local server"
fi

local_url="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
if reachable "$local_url"; then finish "$local_url"; fi

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  log "starting PostgreSQL $version (pg_ctlcluster)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do
    if reachable "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"; then
      psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" -qc 'CREATE DATABASE test' >/dev/null 2>&1 || true
      if reachable "$local_url"; then finish "$local_url"; fi
    fi
    sleep 1
  done
  log "the local cluster did not come up; making a throwaway one"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  log "no PostgreSQL found: install it (apt-get install postgresql) or set TEST_DATABASE_URL"
  exit 1
fi
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/.cache/pg/data"
port=55432
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
mkdir -p "$root/.cache/pg"
if [ ! -f "$data/PG_VERSION" ]; then
  [ "$(id -u)" = 0 ] && chown postgres "$root/.cache/pg"
  log "initdb $data"
  run "'$bindir/initdb' -D '$data' -U postgres -A trust" >&2
fi
url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
if ! reachable "$url"; then
  run "'$bindir/pg_ctl' -D '$data' -l '$root/.cache/pg/log' -w -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' start" >&2
fi
psql "$url" -qc 'CREATE DATABASE test' >/dev/null 2>&1 || true
finish "postgres://postgres@127.0.0.1:$port/test?sslmode=disable"
