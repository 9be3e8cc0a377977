# Shared helpers for the local-stack scripts. Sourced, not run.
# Every helper is idempotent: it does nothing when the thing is already there.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${DRAGON_STATE_DIR:-$ROOT/.stack}"
mkdir -p "$STATE_DIR"

log() { printf '[dragonpbx] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

port_open() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && { exec 3>&- 3<&-; return 0; }
  return 1
}

wait_port() { # host port seconds name
  local i=0
  while ! port_open "$1" "$2"; do
    i=$((i + 1))
    if [ "$i" -gt $(($3 * 10)) ]; then log "$4 did not open $1:$2 within $3 s"; return 1; fi
    sleep 0.1
  done
}

http_status() { # host port path → prints the HTTP status code of a GET, or nothing when no answer
  (
    exec 3<>"/dev/tcp/$1/$2" || exit 0
    printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$3" "$1" "$2" >&3
    local line=''
    IFS=' ' read -r -t 3 _ line _ <&3 || true
    printf '%s' "$line"
  ) 2>/dev/null
}
