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
# SIP_SERVER=external: every e2e stack attaches to that one SIP server, which hands each request to
# one of the applications connected to it; the files run one at a time (test/e2e/README.md).
if [ "${SIP_SERVER:-embedded}" = external ]; then set -- --no-file-parallelism "$@"; fi
npx vitest run "$@"
