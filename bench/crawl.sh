#!/usr/bin/env bash
# Crawl throughput against the local site farm's generated bulk sites.
# Prints one line of key=value figures (machine-readable), e.g.
#   bench=crawl domains=500 latency_ms=0 concurrency=64 pages=5000 seconds=3.2
#   pages_per_s=1562 cpu_s=2.9 cpu_s_per_1000_pages=0.58 pages_per_cpu_s=1724
#   peak_rss_mb=61 domains_per_min=9375 ok=500 failed=0
# Usage: bench/crawl.sh [DOMAINS] [LATENCY_MS] [CONCURRENCY] [extra trawl crawl args...]
# Needs a built build/trawl (scripts/build.sh trawl).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
LAT=${2:-0}
CONC=${3:-64}
shift $(( $# < 3 ? $# : 3 ))
TRAWL=${TRAWL:-./build/trawl}
WORK=$(mktemp -d)
"$TRAWL" sitefarm --port 0 --bulk "$N" --latency-ms "$LAT" >"$WORK/farm.out" 2>"$WORK/farm.err" &
FARM=$!
trap 'kill $FARM 2>/dev/null; wait $FARM 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$WORK/farm.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$WORK/farm.out" | head -1)
for ((i = 0; i < N; i++)); do echo "bulk-$i.test"; done >"$WORK/domains.txt"
/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" \
  "$TRAWL" crawl -q -f "$WORK/domains.txt" --allow-private --connect-to "::127.0.0.1:$PORT" \
  --concurrency "$CONC" "$@" >"$WORK/profiles.jsonl"
read -r SECS USER SYS RSS_KB <"$WORK/time"
PAGES=$(grep -o '"url":' "$WORK/profiles.jsonl" | wc -l)
OK=$(grep -c '"status":"ok"' "$WORK/profiles.jsonl" || true)
FAILED=$(grep -c '"status":"failed"' "$WORK/profiles.jsonl" || true)
awk -v n="$N" -v lat="$LAT" -v c="$CONC" -v pages="$PAGES" -v s="$SECS" -v u="$USER" -v y="$SYS" \
    -v rss="$RSS_KB" -v ok="$OK" -v failed="$FAILED" 'BEGIN {
  cpu = u + y;
  printf "bench=crawl domains=%d latency_ms=%d concurrency=%d pages=%d seconds=%.2f pages_per_s=%.0f ", n, lat, c, pages, s, (s > 0 ? pages / s : 0);
  printf "cpu_s=%.2f user_s=%.2f sys_s=%.2f cpu_s_per_1000_pages=%.3f pages_per_cpu_s=%.0f peak_rss_mb=%.0f ", cpu, u, y, (pages > 0 ? cpu * 1000 / pages : 0), (cpu > 0 ? pages / cpu : 0), rss / 1024;
  printf "domains_per_min=%.0f ok=%d failed=%d\n", (s > 0 ? n * 60 / s : 0), ok, failed;
}'
