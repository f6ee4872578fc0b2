#!/usr/bin/env bash
# Sets up, builds and runs the main job on the embedded default, offline: the
# site farm serves the bundled demo sites on loopback and `trawl crawl` prints
# their profiles (JSON lines on stdout, progress and summary on stderr).
# Setup and build messages go to stderr. Extra arguments go to `trawl crawl`
# (e.g. --format csv).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
bash scripts/build.sh trawl >&2
SITES=tests/fixtures/sites
FARM_OUT=$(mktemp)
./build/trawl sitefarm --port 0 --sites "$SITES" >"$FARM_OUT" &
FARM_PID=$!
trap 'kill "$FARM_PID" 2>/dev/null; wait "$FARM_PID" 2>/dev/null; rm -f "$FARM_OUT"' EXIT
for _ in $(seq 50); do grep -q "listening on" "$FARM_OUT" && break; sleep 0.1; done
PORT=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$FARM_OUT")
if [[ -z "$PORT" ]]; then echo "demo: the site farm did not start" >&2; exit 1; fi
# The farm is on loopback, which the address guard refuses unless told.
ls "$SITES" | ./build/trawl crawl -f - --allow-private --connect-to "::127.0.0.1:$PORT" "$@"
