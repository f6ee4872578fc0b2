#!/usr/bin/env bash
# The browser test of `trawl serve`'s web page (ctest: browser_test).
#
# Starts, on free loopback ports in a temporary folder: a real redis-server,
# the site farm, `trawl serve` (with a token, Redis, a SQLite file, --ui-port,
# and fetching sent to the farm) and two `trawl worker`s; then drives
# Debian's headless chromium through Debian's chromedriver with Debian's
# python3-selenium (browser_test.py): Debian packages only, nothing downloaded.
# Everything it started is stopped by PID on exit, whatever happens.
#
#   bash tests/e2e/run.sh [BUILD_DIR]     # default: build/
#
# Screenshots and the downloaded exports go to BUILD_DIR/e2e-artifacts/.
# Exit 0: passed; 1: failed; 77: skipped (chromium, chromedriver, python3-selenium
# or redis-server missing; under CI=true that is a failure, 1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
TRAWL="$BUILD/trawl"
CHROMIUM=${TRAWL_CHROMIUM:-/usr/bin/chromium}
CHROMEDRIVER=${TRAWL_CHROMEDRIVER:-/usr/bin/chromedriver}
# Debian's interpreter, the one python3-selenium is installed for (a python3
# earlier on PATH, e.g. pyenv's, would not see it).
PYTHON=${TRAWL_PYTHON:-/usr/bin/python3}
ARTIFACTS="$BUILD/e2e-artifacts"
TOKEN="e2e-$RANDOM$RANDOM"

say() { echo "browser_test: $*"; }
# In CI (CI=true) nothing may be missing: a skip there would hide the test.
skip() {
  if [[ "${CI:-}" == "true" ]]; then say "cannot run in CI: $*"; exit 1; fi
  say "skipped: $*"
  exit 77
}

[[ -x "$TRAWL" ]] || { say "no trawl binary at $TRAWL (build it first)"; exit 1; }
[[ -x "$CHROMIUM" ]] || skip "no $CHROMIUM (bash scripts/setup.sh installs Debian's chromium)"
[[ -x "$CHROMEDRIVER" ]] ||
  skip "no $CHROMEDRIVER (bash scripts/setup.sh installs Debian's chromium-driver)"
[[ -x "$PYTHON" ]] || skip "no $PYTHON (bash scripts/setup.sh installs python3)"
"$PYTHON" -c 'import selenium.webdriver' 2>/dev/null ||
  skip "$PYTHON cannot import selenium (bash scripts/setup.sh installs Debian's python3-selenium)"
command -v redis-server >/dev/null || skip "redis-server is not installed"

WORK=$(mktemp -d /tmp/trawl-e2e-XXXXXX)
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png "$ARTIFACTS"/*.csv "$ARTIFACTS"/*.json "$ARTIFACTS"/*.log
PIDS=()

# Stops what this script started, newest first: SIGTERM, then SIGKILL after
# 10 s. Logs are kept with the artifacts.
cleanup() {
  local rc=$?
  local i pid n
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for ((n = 0; n < 100; n++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  cp "$WORK"/*.log "$ARTIFACTS"/ 2>/dev/null || true
  rm -rf "$WORK"
  if ((rc != 0 && rc != 77)); then say "FAILED (logs and screenshots in $ARTIFACTS)"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for FILE PATTERN SECONDS PID: until a line of FILE matches PATTERN
# (printed on stdout); fails, saying why on stderr, when PID exits or time
# runs out.
wait_for() {
  local file=$1 pattern=$2 seconds=$3 pid=$4 n line
  for ((n = 0; n < seconds * 10; n++)); do
    line=$(grep -m1 -E "$pattern" "$file" 2>/dev/null || true)
    if [[ -n "$line" ]]; then
      echo "$line"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { say "process $pid exited early; its log:" >&2; cat "$file" >&2; return 1; }
    sleep 0.1
  done
  say "timed out after ${seconds}s waiting for '$pattern' in $file" >&2
  cat "$file" >&2
  return 1
}

# --- redis-server (loopback, free port, data in the temporary folder) -------
REDIS_PORT=""
mkdir -p "$WORK/redis"
for attempt in 1 2 3 4 5; do
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$WORK/redis" --appendonly no --save "" \
    --maxmemory-policy noeviction --daemonize no --logfile "$WORK/redis.log" &
  pid=$!
  for ((n = 0; n < 100; n++)); do
    if [[ "$(redis-cli -p "$port" ping 2>/dev/null || true)" == "PONG" ]]; then REDIS_PORT=$port; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -n "$REDIS_PORT" ]]; then PIDS+=("$pid"); break; fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
[[ -n "$REDIS_PORT" ]] || { say "redis-server did not start"; exit 1; }
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
say "redis on $REDIS_PORT"

# --- the site farm ------------------------------------------------------------
"$TRAWL" sitefarm --port 0 --bulk 8 >"$WORK/farm.log" 2>&1 &
PIDS+=($!)
line=$(wait_for "$WORK/farm.log" '^listening on ' 15 "${PIDS[-1]}")
FARM_PORT=${line##*:}
FETCH=(--allow-private --connect-to "::127.0.0.1:$FARM_PORT" --timeout 10)
say "site farm on $FARM_PORT"

# --- trawl serve, with --ui-port ----------------------------------------------
UI_PORT=""
for attempt in 1 2 3; do
  ui=$(free_port)
  "$TRAWL" serve --port 0 --ui-port "$ui" --token "$TOKEN" --redis "$REDIS_URL" \
    --db "$WORK/trawl.db" "${FETCH[@]}" >"$WORK/serve.log" 2>&1 &
  pid=$!
  if line=$(wait_for "$WORK/serve.log" 'listening on http://127\.0\.0\.1:[0-9]+' 30 "$pid" 2>/dev/null); then
    PIDS+=("$pid")
    UI_PORT=$ui
    break
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
[[ -n "$UI_PORT" ]] || { say "trawl serve did not start:"; cat "$WORK/serve.log" >&2; exit 1; }
API_PORT=$(sed -nE 's/.*listening on http:\/\/127\.0\.0\.1:([0-9]+).*/\1/p' "$WORK/serve.log" | head -1)
say "serve on $API_PORT, web page also on $UI_PORT"

# --- two workers -----------------------------------------------------------------
for k in 1 2; do
  "$TRAWL" worker --redis "$REDIS_URL" --db "$WORK/trawl.db" --id "e2e-worker-$k" "${FETCH[@]}" \
    >"$WORK/worker-$k.log" 2>&1 &
  PIDS+=($!)
done

# --- the browser ------------------------------------------------------------------
say "chromium $("$CHROMIUM" --version 2>/dev/null | head -1 | tr -s ' ' | cut -d' ' -f2)," \
  "chromedriver $("$CHROMEDRIVER" --version 2>/dev/null | head -1 | cut -d' ' -f2)," \
  "selenium $("$PYTHON" -c 'import selenium; print(selenium.__version__)')"
TRAWL_API_URL="http://127.0.0.1:$API_PORT" TRAWL_UI_URL="http://127.0.0.1:$UI_PORT" \
  TRAWL_TOKEN="$TOKEN" TRAWL_CHROMIUM="$CHROMIUM" TRAWL_CHROMEDRIVER="$CHROMEDRIVER" \
  TRAWL_ARTIFACTS="$ARTIFACTS" TRAWL_WORK="$WORK" TRAWL_REDIS_PID="${PIDS[0]}" \
  timeout 600 "$PYTHON" "$HERE/browser_test.py"
say "screenshots in $ARTIFACTS"
