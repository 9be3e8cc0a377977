#!/usr/bin/env bash
# Installs the Debian packages the PBX and its tests use, only those missing.
# Usage: scripts/install-deps.sh [--with-postgres]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_cmd redis-server || need+=(redis-server)
have_cmd nats-server || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
have_cmd rtpengine || [ -x /usr/bin/rtpengine ] || need+=(rtpengine-daemon)
have_cmd sipp || need+=(sip-tester)
have_cmd ffmpeg || need+=(ffmpeg)
have_cmd sox || need+=(sox)
have_cmd ss || need+=(iproute2)
# The softphones of the interop tests (test/interop).
have_cmd baresip || need+=(baresip-core)
have_cmd linphonec || need+=(linphone-cli)
if [ "${1:-}" = "--with-postgres" ]; then
  have_cmd pg_ctlcluster || need+=(postgresql)
fi

if [ "${#need[@]}" -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get update -qq
  # Packages must not start their own daemons (the stack scripts start them with our settings),
  # and the machine's service policy must be as it was afterwards: apt-install.sh sees to both.
  "$(dirname "$0")/apt-install.sh" "${need[@]}"
fi

if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  log "installing npm packages"
  (cd "$ROOT" && npm ci --no-audit --no-fund >/dev/null)
fi
