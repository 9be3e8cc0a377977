#!/usr/bin/env bash
# Runs the whole PBX on this machine.
#   scripts/stack.sh run     foreground; Ctrl-C stops everything (npm start)
#   scripts/stack.sh up      background, for tests (npm run stack:up)
#   scripts/stack.sh down    stops what `up` started (npm run stack:down)
#   scripts/stack.sh status  what runs, where, and whether it is ready (npm run stack:status)
# `run` and `up` return (or print "running") only when every component answers 200 on its
# readiness URL, and fail naming the component, with the end of its log, when one exits or is
# not ready within STACK_READY_TIMEOUT seconds (default 90). Every port is moved by a variable
# (README, "Ports"); a port already taken stops them before anything starts. Logs and pids go to
# DRAGON_STATE_DIR (default .stack/). STACK_ONLY="sip-server registrar" starts only those
# components (tests, debugging).
# SIP_SERVER=external starts everything except the embedded sip-server and connects the
# applications to the SIP server at DRACHTIO_HOST:DRACHTIO_PORT (secret DRACHTIO_SECRET), e.g. a
# drachtio-server: the production set-up (docs/deployment.md). SIP_SERVER=embedded is the default.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export SIP_SERVER="${SIP_SERVER:-embedded}"
case "$SIP_SERVER" in
  embedded | external) ;;
  *) log "SIP_SERVER=$SIP_SERVER: expected embedded or external"; exit 2 ;;
esac
export SIP_PORT="${SIP_PORT:-5060}"
export DRACHTIO_HOST="${DRACHTIO_HOST:-127.0.0.1}"
export DRACHTIO_PORT="${DRACHTIO_PORT:-9022}"
export DRACHTIO_SECRET="${DRACHTIO_SECRET:-cymru}"
export DATA_SOURCE="${DATA_SOURCE:-json}"
export CONFIG_FILE="${CONFIG_FILE:-$ROOT/config/config.json}"
export MEDIA_PATH="${MEDIA_PATH:-$ROOT/media}"
export FILE_PATH="${FILE_PATH:-$ROOT/config}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:${NATS_PORT:-4222}}"
export RTPENGINE_HOST="${RTPENGINE_HOST:-127.0.0.1}"
export RTPENGINE_PORT="${RTPENGINE_PORT:-22222}"
export LOGLEVEL="${LOGLEVEL:-info}"
# MD5 first: SIPp and many phones answer only the topmost challenge (both are offered).
export DIGEST_ALGORITHMS="${DIGEST_ALGORITHMS:-MD5,SHA-256}"
READY_TIMEOUT="${STACK_READY_TIMEOUT:-90}"

# The components, started in this order. Adding one is adding a row.
#   name, entry point, variable of its HTTP port, default port, readiness path (200 = ready),
#   node flags (comma-separated, optional).
# The component gets its port both as that variable and as METRICS_PORT. A row whose entry
# point does not exist yet is skipped with a message.
# hook-dispatcher: V8's parallel GC helper threads compete with everything else on a small
# machine and its scavenges then stall the event loop for 20-30 ms; single-threaded GC keeps
# the delivery latency tail down (bench/results/hook-dispatcher.md). V8 flags such as this
# one are refused in NODE_OPTIONS, so they go on the command line.
# call-router: every call allocates promises, dialog objects and events that live about as
# long as the call's set-up; a 32 MB young generation lets them die there instead of being
# copied and promoted, and single-threaded GC stops the helper threads competing with the
# other services for the cores (about 10-15 % of its CPU per call, bench/results/call-router.md).
COMPONENTS=(
  "sip-server       services/sip-server/src/main.ts       SIP_SERVER_OPS_PORT  9400 /readyz"
  "media-controller services/media-controller/src/main.ts MEDIA_OPS_PORT       9403 /readyz"
  "hook-dispatcher  services/hook-dispatcher/src/main.ts  HOOK_HTTP_PORT       3004 /readyz --single-threaded-gc"
  "registrar        services/registrar/src/main.ts        REGISTRAR_OPS_PORT   9402 /readyz"
  "call-router      services/call-router/src/main.ts      CALL_ROUTER_OPS_PORT 9401 /readyz --single-threaded-gc,--max-semi-space-size=32"
  "hooks-app        examples/hooks-app/src/main.ts        HOOKS_PORT           3000 /readyz"
)
# Further ports a component listens on: component, variable, default, protocols, address.
OTHER_PORTS=(
  "sip-server  SIP_PORT      5060 udp,tcp ${SIP_HOST:-0.0.0.0}"
  "sip-server  DRACHTIO_PORT 9022 tcp     ${DRACHTIO_ADMIN_ADDRESS:-127.0.0.1}"
  "call-router WEBPORT       2999 tcp     127.0.0.1"
)

component_args() { # name → its command-line arguments, one a line
  case "$1" in
    # drachtio-server's own command line: SIP contact and the application (admin) port.
    sip-server) printf '%s\n' --contact "sip:${SIP_HOST:-0.0.0.0}:${SIP_PORT};transport=udp,tcp" \
      --address "${DRACHTIO_ADMIN_ADDRESS:-127.0.0.1}" --port "$DRACHTIO_PORT" ;;
  esac
}

source "$(dirname "$0")/stack-lib.sh"

sip_server_note() { # for the ready line: whose SIP server it is
  [ "$SIP_SERVER" = external ] && printf ' (external SIP server, admin %s:%s)' "$DRACHTIO_HOST" "$DRACHTIO_PORT"
  return 0
}

prepare() { # checks and installs, before anything starts
  refuse_if_running
  check_ports
  scripts/install-deps.sh
  scripts/infra.sh up || { scripts/infra.sh down; exit 1; }
  npx tsx scripts/gen-media.ts
  if [ "$SIP_SERVER" = external ] && ! port_open "$DRACHTIO_HOST" "$DRACHTIO_PORT"; then
    log "SIP_SERVER=external: no SIP server answers on $DRACHTIO_HOST:$DRACHTIO_PORT (DRACHTIO_HOST, DRACHTIO_PORT); nothing was started"
    exit 1
  fi
}

case "${1:-run}" in
  run)
    prepare
    # `npm start` runs this under `sh -c`, and npm passes a SIGTERM only to that shell: stop too
    # when the parent goes away, not only on Ctrl-C (which reaches the whole process group).
    parent=$PPID
    ( while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -TERM $$ 2>/dev/null ) &
    watcher=$!
    shutdown() { # exit status; errors while stopping must not cut the stop short
      set +e
      kill "$watcher" 2>/dev/null
      stop_all
      exit "$1"
    }
    trap 'log "stopping"; shutdown 0' INT TERM
    start_and_wait fg || shutdown 1
    log "Dragon PBX running and ready: SIP on port $SIP_PORT$(sip_server_note); Ctrl-C stops everything"
    watch_components || shutdown 1
    ;;
  up)
    prepare
    start_and_wait bg || { set +e; stop_all; exit 1; }
    log "Dragon PBX ready: SIP on port $SIP_PORT$(sip_server_note); npm run stack:status shows it, npm run stack:down stops it"
    ;;
  down) stop_all ;;
  status) show_status ;;
  *) echo "usage: $0 run|up|down|status" >&2; exit 2 ;;
esac
