#!/usr/bin/env bash
# End to end through the API: `trawl serve` + W `trawl worker` processes of
# concurrency C against the site farm's bulk sites (latency L ms per
# response), Redis and SQLite started here on loopback. Submits D domains with
# POST /api/process_redis, waits for the job to complete.
# Prints one key=value line:
#   bench=e2e domains=500 workers=2 concurrency=64 latency_ms=100 seconds=…
#   domains_per_min=… ok=… failed=… worker_cpu_s=… worker_peak_rss_mb=…
# (worker_cpu_s: user+system seconds of all workers; worker_peak_rss_mb: the
# largest worker's peak RSS.)
# Usage: bench/e2e.sh [DOMAINS (500)] [WORKERS (2)] [CONCURRENCY (64)] [LATENCY_MS (100)]
set -euo pipefail
cd "$(dirname "$0")/.."
D=${1:-500}
W=${2:-2}
C=${3:-64}
L=${4:-100}
TRAWL=./build/trawl
source bench/stack.sh
start_stack "$D" "$L"

WPIDS=()
for ((i = 0; i < W; i++)); do
  /usr/bin/time -f "%U %S %M" -o "$WORK/time-$i" \
    "$TRAWL" worker --redis "$REDIS" --db "$DB" --concurrency "$C" --id "bench-$i" "${FETCH[@]}" \
    >"$WORK/worker-$i.log" 2>&1 &
  WPIDS+=($!)
  PIDS+=($!)
done

DOMAINS=$(python3 -c "import json; print(json.dumps({'domains': ['bulk-%d.test' % i for i in range($D)]}))")
START=$(date +%s.%N)
JOB=$(curl -sf "$API/api/process_redis" -H 'content-type: application/json' -d "$DOMAINS" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
STATUS=""
for _ in $(seq 36000); do
  STATUS=$(curl -sf "$API/api/status/$JOB?limit=0")
  echo "$STATUS" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["status"]=="completed" else 1)' && break
  sleep 0.1
done
END=$(date +%s.%N)
# Workers stop gracefully (SIGTERM), so /usr/bin/time writes their figures.
for p in "${WPIDS[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; done
for p in "${WPIDS[@]}"; do wait "$p" 2>/dev/null || true; done
CPU=0
RSS=0
for ((i = 0; i < W; i++)); do
  read -r U S M <"$WORK/time-$i" || continue
  CPU=$(awk -v a="$CPU" -v u="$U" -v s="$S" 'BEGIN { print a + u + s }')
  (( M > RSS )) && RSS=$M
done
echo "$STATUS" | python3 -c "
import json, sys
s = json.load(sys.stdin)
secs = $END - $START
print('bench=e2e domains=%d workers=%d concurrency=%d latency_ms=%d seconds=%.1f domains_per_min=%.1f ok=%d failed=%d worker_cpu_s=%.1f worker_peak_rss_mb=%.0f' % (
    $D, $W, $C, $L, secs, $D * 60 / secs, s['completed'], s['failed'], $CPU, $RSS / 1024))
"
