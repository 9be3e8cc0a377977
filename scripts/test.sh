#!/usr/bin/env bash
# `npm test`: installs what is missing, makes sure the infrastructure runs,
# then typechecks, lints, checks every package's dependencies and runs every package's tests with one runner.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

scripts/install-deps.sh --with-postgres
scripts/infra.sh up --with-postgres

npx turbo run typecheck lint --output-logs=errors-only
# Every package declares exactly what it imports: fails on a missing or unused dependency.
npx knip --dependencies
npx vitest run "$@"
