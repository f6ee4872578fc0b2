# Sourced by bench/e2e.sh and bench/api.sh: a redis-server (AOF on, fsync
# every second, noeviction), the site farm with D bulk sites at L ms per
# response, and `trawl serve` on Redis and a SQLite file, all on free
# loopback ports in a temporary folder; everything started is stopped, by
# PID, on exit. Sets WORK, REDIS, DB, FETCH (flags sending every host to the
# farm), API (the server's URL), SERVE_PID and PIDS (append your own).
# Usage: TRAWL=./build/trawl; start_stack DOMAINS LATENCY_MS
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_stack() {
  local domains=$1 latency_ms=$2 rport fport
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --dir "$WORK" --appendonly yes --appendfsync everysec \
    --save "" --maxmemory-policy noeviction --logfile "$WORK/redis.log" --daemonize no &
  PIDS+=($!)
  "$TRAWL" sitefarm --port 0 --bulk "$domains" --latency-ms "$latency_ms" >"$WORK/farm.out" 2>"$WORK/farm.err" &
  PIDS+=($!)
  for _ in $(seq 100); do
    redis-cli -p "$rport" ping >/dev/null 2>&1 && grep -q "listening on" "$WORK/farm.out" && break
    sleep 0.1
  done
  fport=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$WORK/farm.out" | head -1)
  REDIS="redis://127.0.0.1:$rport/0"
  DB="$WORK/trawl.db"
  FETCH=(--allow-private --connect-to "::127.0.0.1:$fport")

  "$TRAWL" serve --port 0 --redis "$REDIS" --db "$DB" "${FETCH[@]}" 2>"$WORK/serve.err" &
  SERVE_PID=$!
  PIDS+=($SERVE_PID)
  for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.err" && break; sleep 0.1; done
  API=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.err" | head -1)
}
