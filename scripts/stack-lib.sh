# Starting, watching and stopping the components of scripts/stack.sh (its COMPONENTS and
# OTHER_PORTS tables, component_args). Sourced by stack.sh, not run.

row() { # "table row" → sets name entry portvar port path flags
  local default
  read -r name entry portvar default path flags <<<"$1"
  port="${!portvar:-$default}"
  flags="${flags:-}"
}

selected() { # name → true unless STACK_ONLY names other components, or SIP_SERVER=external and it is the sip-server
  [ "$1" = sip-server ] && [ "${SIP_SERVER:-embedded}" = external ] && return 1
  [ -z "${STACK_ONLY:-}" ] || [[ " ${STACK_ONLY//,/ } " == *" $1 "* ]]
}

pidfile() { echo "$STATE_DIR/$1.pid"; }
logfile() { echo "$STATE_DIR/$1.log"; }

alive() { # name → true when its recorded process runs
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

addresses() { # name port path → where the component listens, for people
  local out="http://127.0.0.1:$2$3" c var default protos address
  for p in "${OTHER_PORTS[@]}"; do
    read -r c var default protos address <<<"$p"
    [ "$c" = "$1" ] && out+="; $var ${protos/,/+} $address:${!var:-$default}"
  done
  echo "$out"
}

refuse_if_running() {
  for c in "${COMPONENTS[@]}"; do
    row "$c"
    if alive "$name"; then
      log "$name already runs (pid $(cat "$(pidfile "$name")"), state in $STATE_DIR): npm run stack:status shows the stack, npm run stack:down stops it"
      exit 1
    fi
  done
}

check_ports() { # every port of every component that exists, before anything starts
  local want=() c var default protos address
  for c in "${COMPONENTS[@]}"; do
    row "$c"
    [ -f "$entry" ] && selected "$name" || continue
    want+=("$name:$portvar:$port:tcp:0.0.0.0")
    for p in "${OTHER_PORTS[@]}"; do
      read -r c var default protos address <<<"$p"
      [ "$c" = "$name" ] || continue
      for proto in ${protos//,/ }; do want+=("$name:$var:${!var:-$default}:$proto:0.0.0.0"); done
    done
  done
  node scripts/check-ports.mjs "${want[@]}" || { log "nothing was started"; exit 1; }
}

start_component() { # table row, mode fg|bg
  row "$1"
  local log_file node_flags=() args=()
  log_file="$(logfile "$name")"
  [ -n "$flags" ] && IFS=',' read -r -a node_flags <<<"$flags"
  mapfile -t args < <(component_args "$name")
  : >"$log_file"
  log "starting $name"
  local cmd=(env "METRICS_PORT=$port" "$portvar=$port" node "${node_flags[@]}" --import tsx "$entry" "${args[@]}")
  if [ -n "${STACK_DIST:-}" ]; then
    # The compiled tree scripts/pack-production.mjs laid out: plain node, no tsx.
    local compiled="${entry/\/src\//\/dist\/}"
    cmd=(env "METRICS_PORT=$port" "$portvar=$port" node "${node_flags[@]}" "$STACK_DIST/${compiled%.ts}.js" "${args[@]}")
  fi
  if [ "$2" = fg ]; then
    # To the terminal and to the log; tee ignores Ctrl-C so the component's last words still show.
    "${cmd[@]}" > >(trap '' INT TERM; exec tee -a "$log_file") 2>&1 &
  else
    nohup "${cmd[@]}" >"$log_file" 2>&1 &
  fi
  echo $! >"$(pidfile "$name")"
}

fail_component() { # name, what went wrong
  local log_file; log_file="$(logfile "$1")"
  log "FAILED: $1 $2; last lines of $log_file:"
  tail -n "${STACK_LOG_LINES:-20}" "$log_file" 2>/dev/null | sed 's/^/    /' >&2 || true
}

wait_ready() { # names... → 0 when all are ready, 1 (after saying which and why) otherwise
  local pending=("$@") end=$((SECONDS + READY_TIMEOUT)) still status code
  declare -A last=()
  while [ "${#pending[@]}" -gt 0 ]; do
    still=()
    for n in "${pending[@]}"; do
      for c in "${COMPONENTS[@]}"; do row "$c"; [ "$name" = "$n" ] && break; done
      if ! alive "$name"; then
        code=0; wait "$(cat "$(pidfile "$name")")" 2>/dev/null || code=$?
        fail_component "$name" "exited (status $code) before it was ready"
        return 1
      fi
      status="$(http_status 127.0.0.1 "$port" "$path")"
      if [ "$status" = 200 ]; then
        printf '[dragonpbx] ready  %-16s %s\n' "$name" "$(addresses "$name" "$port" "$path")"
      else
        last[$name]="${status:-no answer}"
        still+=("$name")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    [ "${#pending[@]}" -eq 0 ] && return 0
    if [ "$SECONDS" -ge "$end" ]; then
      for n in "${pending[@]}"; do
        for c in "${COMPONENTS[@]}"; do row "$c"; [ "$name" = "$n" ] && break; done
        fail_component "$n" "not ready within $READY_TIMEOUT s (STACK_READY_TIMEOUT); http://127.0.0.1:${port}${path}: ${last[$n]}"
      done
      return 1
    fi
    sleep 0.5
  done
}

start_and_wait() { # mode fg|bg
  local started=()
  for c in "${COMPONENTS[@]}"; do
    row "$c"
    selected "$name" || continue
    if [ ! -f "$entry" ]; then
      log "$name: not built yet ($entry missing), skipped"
      continue
    fi
    start_component "$c" "$1"
    # Every application connects to the SIP server: it is ready first.
    if [ "$name" = sip-server ]; then wait_ready sip-server || return 1; else started+=("$name"); fi
  done
  [ "${#started[@]}" -eq 0 ] || wait_ready "${started[@]}"
}

watch_components() { # until one stops: say which, return 1
  while true; do
    for c in "${COMPONENTS[@]}"; do
      row "$c"
      [ -f "$(pidfile "$name")" ] || continue
      if ! alive "$name"; then
        local code=0; wait "$(cat "$(pidfile "$name")")" 2>/dev/null || code=$?
        fail_component "$name" "exited (status $code)"
        return 1
      fi
    done
    sleep 1
  done
}

stop_components() { # the applications, then the SIP server they are connected to
  local first rest=()
  read -r first _ <<<"${COMPONENTS[0]}"
  for c in "${COMPONENTS[@]:1}"; do row "$c"; rest+=("$name"); done
  stop_named "${rest[@]}"
  stop_named "$first"
}

stop_named() { # names... → TERM, then KILL what has not stopped after STACK_STOP_TIMEOUT s
  local pids=() pid
  for n in "$@"; do
    if alive "$n"; then pid="$(cat "$(pidfile "$n")")"; kill -TERM "$pid" 2>/dev/null && pids+=("$pid"); fi
    rm -f "$(pidfile "$n")"
  done
  local end=$((SECONDS + ${STACK_STOP_TIMEOUT:-15}))
  for pid in "${pids[@]+"${pids[@]}"}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$end" ]; then log "pid $pid did not stop; killing it"; kill -KILL "$pid" 2>/dev/null; break; fi
      sleep 0.2
    done
  done
}

stop_all() {
  stop_components
  scripts/infra.sh down
}

show_status() { # 0 when every built component runs and is ready
  local ok=0 state ready status
  printf '%-16s %-14s %-22s %s\n' component state ready address
  for c in "${COMPONENTS[@]}"; do
    row "$c"
    selected "$name" || continue
    ready=-
    if [ ! -f "$entry" ]; then
      state='not built'
    elif alive "$name"; then
      state="pid $(cat "$(pidfile "$name")")"
      status="$(http_status 127.0.0.1 "$port" "$path")"
      if [ "$status" = 200 ]; then ready=yes; else ready="no (${status:-no answer})"; ok=1; fi
    else
      state=stopped; ok=1
    fi
    printf '%-16s %-14s %-22s %s\n' "$name" "$state" "$ready" "$(addresses "$name" "$port" "$path")"
  done
  if [ "${SIP_SERVER:-embedded}" = external ]; then
    port_open "$DRACHTIO_HOST" "$DRACHTIO_PORT" && state=listening || { state='not listening'; ok=1; }
    printf '%-16s %-14s %-22s %s\n' sip-server "external" - "$state, admin tcp $DRACHTIO_HOST:$DRACHTIO_PORT"
  fi
  local redis_port="${REDIS_PORT:-6379}" nats_port="${NATS_PORT:-4222}"
  for svc in "redis $redis_port tcp" "nats $nats_port tcp" "rtpengine $RTPENGINE_PORT udp"; do
    read -r n p proto <<<"$svc"
    if [ "$proto" = udp ]; then
      ss -Hlun "sport = :$p" 2>/dev/null | grep -q . && state=listening || state='not listening'
    else
      port_open 127.0.0.1 "$p" && state=listening || state='not listening'
    fi
    printf '%-16s %-14s %-22s %s\n' "$n" "$state" - "$proto 127.0.0.1:$p"
  done
  return "$ok"
}
