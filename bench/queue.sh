#!/usr/bin/env bash
# Queue overhead and enqueue cost on a real redis-server started here (own
# temporary folder, loopback, append-only file on with fsync every second —
# the setting docs/operations.md recommends).
# Prints key=value lines (machine-readable):
#   bench=redis_benchmark test=LPUSH requests_per_s=…   (redis-benchmark, same server)
#   bench=enqueue domains=100000 seconds=… redis_bytes_per_domain=…
#   bench=queue_noop workers=2 tasks=… seconds=… tasks_per_s=…
# Usage: bench/queue.sh [TASKS (default 100000)] [WORKER_COUNTS (default "1 2 4")]
# Needs build/trawl and build/bench/queue_bench (scripts/build.sh trawl queue_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
COUNTS=${2:-"1 2 4"}
TRAWL=./build/trawl
QB=./build/bench/queue_bench
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$WORK" --appendonly yes --appendfsync everysec \
  --save "" --maxmemory-policy noeviction --logfile "$WORK/redis.log" --daemonize no &
REDIS=$!
WORKERS=()
cleanup() {
  for p in "${WORKERS[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$REDIS" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
URL="redis://127.0.0.1:$PORT/0"

# The server's own figures, for scale: 50 clients, no pipelining.
redis_bench() {
  redis-benchmark -p "$PORT" --csv -n 200000 "$@" 2>/dev/null |
    awk -F'","' 'NR > 1 { t = $1; gsub(/"/, "", t); split(t, w, " "); printf "bench=redis_benchmark test=%s requests_per_s=%.0f\n", w[1], $2 }'
}
redis_bench -t lpush,rpop
redis_bench XADD bench:stream '*' f v
redis-cli -p "$PORT" flushall >/dev/null

# Enqueue cost and memory per queued domain.
"$QB" enqueue "$URL" "$N" enqueue-job
redis-cli -p "$PORT" flushall >/dev/null

# No-op tasks through the stream: workers claim and acknowledge (the Lua
# counting script included) without crawling or storing.
for W in $COUNTS; do
  redis-cli -p "$PORT" flushall >/dev/null
  "$QB" enqueue "$URL" "$N" "noop-$W" >/dev/null
  WORKERS=()
  for ((i = 0; i < W; i++)); do
    "$TRAWL" worker --noop --redis "$URL" --db "$WORK/noop.db" --concurrency 256 --id "noop-$W-$i" \
      >"$WORK/worker-$W-$i.log" 2>&1 &
    WORKERS+=($!)
  done
  RESULT=$("$QB" wait "$URL" "noop-$W" 600)
  for p in "${WORKERS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${WORKERS[@]}"; do wait "$p" 2>/dev/null || true; done
  WORKERS=()
  echo "$RESULT" | sed "s/^bench=wait/bench=queue_noop workers=$W/"
done
