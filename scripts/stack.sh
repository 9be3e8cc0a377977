#!/usr/bin/env bash
# Runs the whole PBX on this machine.
#   scripts/stack.sh run    foreground; Ctrl-C stops everything (npm start)
#   scripts/stack.sh up     background, for tests (npm run stack:up)
#   scripts/stack.sh down   stops what `up` started (npm run stack:down)
# Ports and files come from the environment: SIP_PORT (5060), DRACHTIO_PORT (9022),
# DRACHTIO_SECRET (cymru), CONFIG_FILE (config/config.json), REDIS_URL, NATS_URL, ...
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export SIP_PORT="${SIP_PORT:-5060}"
export DRACHTIO_HOST="${DRACHTIO_HOST:-127.0.0.1}"
export DRACHTIO_PORT="${DRACHTIO_PORT:-9022}"
export DRACHTIO_SECRET="${DRACHTIO_SECRET:-cymru}"
export DATA_SOURCE="${DATA_SOURCE:-json}"
export CONFIG_FILE="${CONFIG_FILE:-$ROOT/config/config.json}"
export MEDIA_PATH="${MEDIA_PATH:-$ROOT/media}"
export FILE_PATH="${FILE_PATH:-$ROOT/config}"
export RTPENGINE_HOST="${RTPENGINE_HOST:-127.0.0.1}"
export RTPENGINE_PORT="${RTPENGINE_PORT:-22222}"
export LOGLEVEL="${LOGLEVEL:-info}"
# MD5 first: SIPp and many phones answer only the topmost challenge (both are offered).
export DIGEST_ALGORITHMS="${DIGEST_ALGORITHMS:-MD5,SHA-256}"

# name  directory  entry point  [node flags, comma-separated]
# hook-dispatcher: V8's parallel GC helper threads compete with everything else on a small
# machine and its scavenges then stall the event loop for 20-30 ms; single-threaded GC keeps
# the delivery latency tail down (bench/results/hook-dispatcher.md). V8 flags such as this
# one are refused in NODE_OPTIONS, so they go on the command line.
COMPONENTS=(
  "sip-server services/sip-server src/main.ts"
  "media-controller services/media-controller src/main.ts"
  "hook-dispatcher services/hook-dispatcher src/main.ts --single-threaded-gc"
  "registrar services/registrar src/main.ts"
  "call-router services/call-router src/main.ts"
  "hooks-app examples/hooks-app src/main.ts"
)

start_components() { # mode: fg|bg
  local pids=()
  for c in "${COMPONENTS[@]}"; do
    read -r name dir entry flags <<<"$c"
    local node_flags=()
    [ -n "${flags:-}" ] && IFS=',' read -r -a node_flags <<<"$flags"
    if [ ! -f "$dir/$entry" ]; then
      log "$name: not built yet ($dir/$entry missing), skipped"
      continue
    fi
    log "starting $name"
    local args=()
    if [ "$name" = sip-server ]; then
      # drachtio-server's own command line: SIP contact and the application (admin) port.
      args=(--contact "sip:${SIP_HOST:-0.0.0.0}:${SIP_PORT};transport=udp,tcp" --address "${DRACHTIO_ADMIN_ADDRESS:-127.0.0.1}" --port "$DRACHTIO_PORT")
    fi
    if [ "$1" = fg ]; then
      node "${node_flags[@]}" --import tsx "$dir/$entry" "${args[@]}" &
    else
      nohup node "${node_flags[@]}" --import tsx "$dir/$entry" "${args[@]}" >"$STATE_DIR/$name.log" 2>&1 &
    fi
    echo $! >"$STATE_DIR/$name.pid"
    pids+=($!)
    if [ "$name" = sip-server ]; then wait_port 127.0.0.1 "$DRACHTIO_PORT" 20 sip-server || true; fi
  done
  echo "${pids[@]:-}"
}

stop_components() {
  for c in "${COMPONENTS[@]}"; do
    read -r name _ _ <<<"$c"
    local f="$STATE_DIR/$name.pid"
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-run}" in
  run)
    scripts/install-deps.sh
    scripts/infra.sh up
    npx tsx scripts/gen-media.ts
    # `npm start` runs this under `sh -c`, and npm passes a SIGTERM only to that shell: stop too
    # when the parent goes away, not only on Ctrl-C (which reaches the whole process group).
    parent=$PPID
    ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -TERM $$ 2>/dev/null ) &
    watcher=$!
    trap 'log "stopping"; kill "$watcher" 2>/dev/null; stop_components; scripts/infra.sh down; exit 0' INT TERM
    start_components fg >/dev/null
    log "Dragon PBX running: SIP on port $SIP_PORT; Ctrl-C stops everything"
    wait
    ;;
  up)
    scripts/install-deps.sh
    scripts/infra.sh up
    npx tsx scripts/gen-media.ts
    start_components bg >/dev/null
    ;;
  down)
    stop_components
    scripts/infra.sh down
    ;;
  *) echo "usage: $0 run|up|down" >&2; exit 2 ;;
esac
