#!/usr/bin/env bash
# Saves the site farm's generated bulk pages as files, for the benchmarks that
# read HTML from disk (extract_bench, parse_bench: TRAWL_BENCH_DIRS=DIR).
# Writes DIR/bulk-<i>.test/<page>.html for i < N: the pages a crawl of a bulk
# site fetches (home, contact, legal notice, about, team, privacy), or all ten
# with --all. Prints one key=value line.
# Usage: bench/farm_pages.sh DIR [N (50)] [--all]
# Needs a built build/trawl (scripts/build.sh trawl) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: bench/farm_pages.sh DIR [N] [--all]}
N=${2:-50}
PAGES="/ /contact /legal-notice /about /team /privacy"
[[ "${3:-}" == --all ]] && PAGES="/ /about /services /team /news /careers /faq /contact /legal-notice /privacy"
TRAWL=${TRAWL:-./build/trawl}
WORK=$(mktemp -d)
"$TRAWL" sitefarm --port 0 --bulk "$N" >"$WORK/farm.out" 2>"$WORK/farm.err" &
FARM=$!
trap 'kill $FARM 2>/dev/null; wait $FARM 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$WORK/farm.out" && break; sleep 0.1; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$WORK/farm.out" | head -1)
files=0
for ((i = 0; i < N; i++)); do
  mkdir -p "$DIR/bulk-$i.test"
  for p in $PAGES; do
    name=${p#/}
    curl -sf --max-time 10 --compressed -H "Host: bulk-$i.test" "http://127.0.0.1:$PORT$p" \
      -o "$DIR/bulk-$i.test/${name:-index}.html"
    files=$((files + 1))
  done
done
echo "farm_pages dir=$DIR sites=$N files=$files bytes=$(du -sb "$DIR" | cut -f1)"
