#!/usr/bin/env bash
# Installs Debian packages without letting their maintainer scripts start daemons (the stack
# scripts start Redis, NATS, RTPEngine and PostgreSQL themselves, with their own settings), and
# leaves the machine's service policy as it found it.
# Usage: scripts/apt-install.sh PACKAGE...
#
# invoke-rc.d asks /usr/sbin/policy-rc.d whether a package may start its service; exit 101 means
# "no" (Debian policy-rc.d interface, /usr/share/doc/init-system-helpers/README.policy-rc.d).
# - No policy file before: one saying 101 is written for the install and removed afterwards,
#   also when apt-get fails or this script is interrupted (INT, TERM, HUP). Only SIGKILL can
#   leave it behind; it is then recognisable by its marker line.
# - A policy file already there: it is not touched, and it decides, as it always did.
# POLICY_RC_D moves the file (tests use a temporary path).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

POLICY_RC_D="${POLICY_RC_D:-/usr/sbin/policy-rc.d}"
MARKER='# written by dragonpbx scripts/apt-install.sh for the duration of one apt-get install'
[ "$#" -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }

created=0
apt_pid=
restore_policy() {
  # Ours only: the marker proves this file is the one written below, not one put there since.
  if [ "$created" = 1 ] && grep -qxF "$MARKER" "$POLICY_RC_D" 2>/dev/null; then
    as_root rm -f "$POLICY_RC_D"
  fi
  created=0
}
on_signal() { # exit status
  # Stop apt-get first, so no daemon starts between the policy's removal and apt's end. TERM,
  # whatever the signal was: a background command of a script ignores INT.
  if [ -n "$apt_pid" ]; then kill -TERM "$apt_pid" 2>/dev/null && { wait "$apt_pid" 2>/dev/null || true; }; fi
  restore_policy
  exit "$1"
}
trap restore_policy EXIT
trap 'on_signal 129' HUP
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

if [ -e "$POLICY_RC_D" ] || [ -L "$POLICY_RC_D" ]; then
  log "keeping the existing $POLICY_RC_D: it decides whether the new packages start their services"
else
  printf '#!/bin/sh\n%s\nexit 101\n' "$MARKER" | as_root tee "$POLICY_RC_D" >/dev/null
  created=1
  as_root chmod 755 "$POLICY_RC_D"
fi

export DEBIAN_FRONTEND=noninteractive
# In the background so that a signal reaches the trap at once, not only after apt-get ends; not
# through the as_root function, whose subshell would take the signal and leave apt-get running.
sudo=()
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo=(sudo); fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null &
apt_pid=$!
wait "$apt_pid"
