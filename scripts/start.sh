#!/usr/bin/env bash
# `npm start`: the whole PBX in the foreground.
exec "$(dirname "$0")/stack.sh" run
