#!/usr/bin/env bash
# Configures and builds trawl into build/ (ccache used when present).
# Usage: scripts/build.sh [TARGET...]   (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${TRAWL_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
if (( $# )); then
  for t in "$@"; do cmake --build build -j"$(nproc)" --target "$t"; done
else
  cmake --build build -j"$(nproc)"
fi
