#!/usr/bin/env bash
# Crawls the fixture sites, ../shared/realworld's sites and N generated bulk
# sites (one farm on loopback) with one trawl binary and prints the profiles
# normalized for comparison: sorted by domain, timing fields removed
# (elapsed_ms, each page's ms, "after N ms" in error messages), pages sorted
# (those fetched at once finish in any order). Two builds
# produce the same output when their crawls are the same:
#
#   bash bench/crawl_output.sh OLD/trawl > old.jsonl
#   bash bench/crawl_output.sh build/trawl > new.jsonl && cmp old.jsonl new.jsonl
#
# Usage: bench/crawl_output.sh TRAWL [BULK (500)]
set -euo pipefail
cd "$(dirname "$0")/.."
TRAWL=$1
BULK=${2:-500}
REALWORLD=../shared/realworld/sites
WORK=$(mktemp -d /tmp/trawl-crawl-output-XXXXXX)
FARM_PID=""
cleanup() {
  if [[ -n "$FARM_PID" ]]; then kill "$FARM_PID" 2>/dev/null || true; wait "$FARM_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
SITES=(--sites tests/fixtures/sites)
[[ -d "$REALWORLD" ]] && SITES+=(--sites "$REALWORLD")
"$TRAWL" sitefarm --port 0 "${SITES[@]}" --bulk "$BULK" >"$WORK/farm.log" 2>&1 &
FARM_PID=$!
for _ in $(seq 100); do grep -q '^listening on ' "$WORK/farm.log" && break; sleep 0.1; done
PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$WORK/farm.log")
{
  ls tests/fixtures/sites
  [[ -d "$REALWORLD" ]] && ls "$REALWORLD"
  for ((i = 0; i < BULK; i++)); do echo "bulk-$i.test"; done
} >"$WORK/domains.txt"
"$TRAWL" crawl -q -f "$WORK/domains.txt" --allow-private --connect-to "::127.0.0.1:$PORT" \
  --concurrency 32 >"$WORK/profiles.jsonl"
python3 - "$WORK/profiles.jsonl" <<'PY'
import json, re, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("elapsed_ms", "ms")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    if isinstance(v, str):
        return re.sub(r"\d+ ms", "N ms", v)
    return v
rows = [strip(json.loads(l)) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
for r in rows:  # pages fetched at once finish in any order
    r["pages"] = sorted(r.get("pages") or [], key=lambda p: json.dumps(p, sort_keys=True))
rows.sort(key=lambda r: (r.get("domain") or "", r.get("input_index", 0)))
for r in rows:
    print(json.dumps(r, sort_keys=True, ensure_ascii=False))
PY
