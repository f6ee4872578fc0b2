#!/usr/bin/env bash
# start_workers.sh [N] [trawl worker options...]: the original setup guide's
# script, now a thin wrapper over `trawl workers -n N` (default 5). Prints
# "Starting N Redis workers...", then every worker's output prefixed with its
# name; Ctrl+C stops them all gracefully. Options go to every worker, e.g.
#   scripts/start_workers.sh 5 --redis redis://:pw@host:6379/0 --db postgresql://...
# TRAWL_BIN overrides the binary (default: build/trawl of this checkout).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${TRAWL_BIN:-$(dirname "$here")/build/trawl}"

n=5
if [[ $# -gt 0 && "$1" != -* ]]; then
  if [[ ! "$1" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N] [trawl worker options...]   (N: number of workers, default 5)" >&2
    exit 2
  fi
  n="$1"
  shift
fi
if [[ ! -x "$bin" ]]; then
  echo "$0: $bin is not built yet; run: bash scripts/build.sh trawl" >&2
  exit 1
fi
exec "$bin" workers -n "$n" "$@"
