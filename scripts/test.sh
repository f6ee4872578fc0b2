#!/usr/bin/env bash
# Sets up (Debian packages), builds, and runs every test: unit tests, the
# integration tests against real Redis, PostgreSQL and the local site farm,
# and the browser test. Exit status is ctest's, unless a guard rail failed
# first:
#   - every tracked C++ file is formatted by .clang-format (check_format.sh);
#   - under CI=true the build uses -Werror (build.sh) and clang-tidy's checks
#     (.clang-tidy) find nothing in src/ (tidy.sh, a few minutes on 2 cores);
#     set TRAWL_TIDY=1 to run it outside CI too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check_format.sh
bash scripts/build.sh
if [[ "${CI:-}" == "true" || "${TRAWL_TIDY:-0}" == "1" ]]; then
  bash scripts/tidy.sh
fi
cd build
ctest --output-on-failure -j2 --timeout 600 "$@"
