#!/usr/bin/env bash
# Runs every test from a fresh checkout: makes sure PostgreSQL answers, installs the front-end
# packages, then Go format/vet checks, Go unit and PostgreSQL integration tests with -race,
# front-end tests, the type check and lint. Exits non-zero on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL"
eval "$(scripts/ensure-postgres.sh)"
export TEST_DATABASE_URL TEST_PASSWORD_DATABASE_URL
echo "using $TEST_DATABASE_URL"

step "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
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
