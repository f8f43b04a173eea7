#!/usr/bin/env bash
# Runs every test from a fresh checkout: a PostgreSQL of the tests' own (scripts/
# ensure-postgres.sh), the front-end packages, gofmt and go vet, Go unit and PostgreSQL
# integration tests with -race, the front-end tests, the type check, lint, and both builds of
# the plugin (mage and webpack). Exits non-zero on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL"
pg_env=$(scripts/ensure-postgres.sh)
eval "$pg_env"
export TEST_DATABASE_URL
if [ -n "$TEST_PG_DATADIR" ]; then
  trap 'scripts/ensure-postgres.sh --stop "$TEST_PG_DATADIR"' EXIT
fi
echo "using ${TEST_DATABASE_URL/:\/\/*@/://***@}"

step "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./pkg/...

step "Go tests (-race, real PostgreSQL)"
go test -race -count=1 ./pkg/...

step "front-end packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "type check"
npm run --silent typecheck

step "lint"
npm run --silent lint

step "front-end tests"
npm test

step "plugin builds (mage build:linux, webpack)"
go tool mage build:linux
npm run --silent build
ls dist/module.js dist/plugin.json dist/gpx_sloguard_linux_amd64
