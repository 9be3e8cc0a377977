#!/usr/bin/env bash
# Makes sure the infrastructure the PBX and its tests need is running:
# Redis, NATS with JetStream, PostgreSQL (only with --with-postgres) and RTPEngine.
# Anything already listening is left alone; what this script starts it records
# under .stack/ so `scripts/infra.sh stop` stops only that.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
NATS_PORT="${NATS_PORT:-4222}"
PG_PORT="${DB_PORT:-5432}"
RTPENGINE_PORT="${RTPENGINE_PORT:-22222}"
RTP_PORT_MIN="${RTP_PORT_MIN:-30000}"
RTP_PORT_MAX="${RTP_PORT_MAX:-34999}"

start_redis() {
  port_open 127.0.0.1 "$REDIS_PORT" && return 0
  log "starting redis on $REDIS_PORT"
  mkdir -p "$STATE_DIR/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$STATE_DIR/redis" --logfile "$STATE_DIR/redis/redis.log" --pidfile "$STATE_DIR/redis.pid"
  wait_port 127.0.0.1 "$REDIS_PORT" 10 redis
}

start_nats() {
  port_open 127.0.0.1 "$NATS_PORT" && return 0
  log "starting nats-server (JetStream) on $NATS_PORT"
  mkdir -p "$STATE_DIR/nats"
  local bin; bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
  nohup "$bin" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$STATE_DIR/nats" -l "$STATE_DIR/nats/nats.log" \
    >/dev/null 2>&1 &
  echo $! >"$STATE_DIR/nats.pid"
  wait_port 127.0.0.1 "$NATS_PORT" 10 nats
}

start_postgres() {
  port_open 127.0.0.1 "$PG_PORT" && return 0
  log "starting postgresql"
  local ver; ver="$(ls /etc/postgresql | sort -V | tail -1)"
  local hba="/etc/postgresql/$ver/main/pg_hba.conf"
  # Local tests connect as postgres without a password on loopback only.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  wait_port 127.0.0.1 "$PG_PORT" 30 postgresql
}

udp_listening() { # port
  ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
  return 1
}

start_rtpengine() {
  if [ -f "$STATE_DIR/rtpengine.pid" ] && kill -0 "$(cat "$STATE_DIR/rtpengine.pid")" 2>/dev/null; then return 0; fi
  # Another RTPEngine (system service or another checkout's stack) already serves this ng port.
  if udp_listening "$RTPENGINE_PORT"; then return 0; fi
  log "starting rtpengine (userspace) ng=127.0.0.1:$RTPENGINE_PORT rtp=$RTP_PORT_MIN-$RTP_PORT_MAX"
  mkdir -p "$STATE_DIR/rtpengine"
  # --config-file=none: only the options below, not /etc/rtpengine/rtpengine.conf, whose CLI and
  # HTTP ports (2224, 2225) a second RTPEngine on the machine would find taken.
  nohup rtpengine --config-file=none --interface=127.0.0.1 --listen-ng="127.0.0.1:$RTPENGINE_PORT" \
    --port-min="$RTP_PORT_MIN" --port-max="$RTP_PORT_MAX" --table=-1 --foreground --log-stderr \
    --log-level="${RTPENGINE_LOG_LEVEL:-5}" >"$STATE_DIR/rtpengine/rtpengine.log" 2>&1 &
  echo $! >"$STATE_DIR/rtpengine.pid"
  sleep 0.3
  if ! kill -0 "$(cat "$STATE_DIR/rtpengine.pid")" 2>/dev/null; then
    log "FAILED: rtpengine exited at start; last lines of $STATE_DIR/rtpengine/rtpengine.log:"
    tail -n 20 "$STATE_DIR/rtpengine/rtpengine.log" | sed 's/^/    /' >&2
    rm -f "$STATE_DIR/rtpengine.pid"
    return 1
  fi
}

stop_recorded() {
  for name in rtpengine nats redis; do
    local f="$STATE_DIR/$name.pid"
    if [ -f "$f" ]; then
      local pid i=0; pid="$(cat "$f")"
      kill "$pid" 2>/dev/null || true
      # Gone before we return, so a new stack can take its ports at once.
      while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
      rm -f "$f"
    fi
  done
}

case "${1:-up}" in
  up)
    start_redis
    start_nats
    if [ "${2:-}" = "--with-postgres" ]; then start_postgres; fi
    start_rtpengine
    ;;
  stop|down) stop_recorded ;;
  *) echo "usage: $0 up [--with-postgres] | down" >&2; exit 2 ;;
esac
