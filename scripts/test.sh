#!/usr/bin/env bash
# Sets up (Debian packages), builds, and runs every test: unit tests and the
# integration tests against the local site farm. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 600 "$@"
