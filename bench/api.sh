#!/usr/bin/env bash
# The API under load: `trawl serve` with Redis and SQLite started here on
# loopback, one finished parallel job of D domains (crawled by one worker
# against the site farm), then `wrk` with C connections for S seconds on
# GET /api/status/{id} (with its default page of 100 approved profiles, and
# with limit=0) and on GET /api/health.
# Prints one key=value line per endpoint:
#   bench=api endpoint=status connections=50 seconds=10 requests=… rps=…
#   p50_ms=… p99_ms=… errors=…
# (errors: socket errors plus non-2xx answers, as wrk counts them.)
# Usage: bench/api.sh [CONNECTIONS (50)] [SECONDS (10)] [DOMAINS (100)]
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-50}
S=${2:-10}
D=${3:-100}
TRAWL=./build/trawl
command -v wrk >/dev/null || { echo "bench/api.sh: wrk is not installed (scripts/setup.sh)" >&2; exit 2; }
source bench/stack.sh
start_stack "$D" 0
"$TRAWL" worker --redis "$REDIS" --db "$DB" --concurrency 16 "${FETCH[@]}" >"$WORK/worker.log" 2>&1 &
PIDS+=($!)

DOMAINS=$(python3 -c "import json; print(json.dumps({'domains': ['bulk-%d.test' % i for i in range($D)]}))")
JOB=$(curl -sf "$API/api/process_redis" -H 'content-type: application/json' -d "$DOMAINS" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
for _ in $(seq 600); do
  STATUS=$(curl -sf "$API/api/status/$JOB?limit=0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  [[ "$STATUS" == completed ]] && break
  sleep 0.2
done
[[ "$STATUS" == completed ]] || { echo "bench/api.sh: the job did not complete" >&2; exit 1; }

# wrk prints its latency distribution with --latency; the figures are taken
# from that text (units us/ms/s normalized to ms).
run() {
  local name=$1 path=$2
  wrk -t2 -c"$C" -d"${S}s" --latency "$API$path" >"$WORK/wrk-$name.txt"
  python3 - "$name" "$C" "$S" "$WORK/wrk-$name.txt" <<'EOF'
import re, sys
name, conns, secs, path = sys.argv[1:5]
text = open(path).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
reqs = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if m:
    errors += sum(int(x) for x in m.groups())
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if m:
    errors += int(m.group(1))
print(f"bench=api endpoint={name} connections={conns} seconds={secs} requests={reqs} "
      f"rps={rps:.0f} p50_ms={ms(pct['50']):.2f} p99_ms={ms(pct['99']):.2f} errors={errors}")
EOF
}
# TRAWL_BENCH_PERF=FILE: a `perf record -g` profile of the server during the
# first run (perf report -i FILE).
if [[ -n "${TRAWL_BENCH_PERF:-}" ]]; then
  perf record -g -o "$TRAWL_BENCH_PERF" -p "$SERVE_PID" -- sleep "$S" &>/dev/null &
fi
run status "/api/status/$JOB"
run status_nodata "/api/status/$JOB?limit=0"
run health "/api/health"
