#!/usr/bin/env bash
# Configures and builds trawl into build/ (ccache used when present;
# -Werror when CI=true).
# Usage: scripts/build.sh [TARGET...]   (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
# Under CI (CI=true) every warning is an error (TRAWL_WERROR, CMakeLists.txt);
# elsewhere only with TRAWL_WERROR=ON in the environment.
werror=${TRAWL_WERROR:-OFF}
if [[ ${CI:-} == true ]]; then werror=ON; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE="${TRAWL_BUILD_TYPE:-RelWithDebInfo}" \
  -DTRAWL_WERROR="$werror" >/dev/null
if (( $# )); then
  for t in "$@"; do cmake --build build -j"$(nproc)" --target "$t"; done
else
  cmake --build build -j"$(nproc)"
fi
