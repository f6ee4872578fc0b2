#!/usr/bin/env bash
# Runs clang-tidy (Debian clang-tidy 14, checks in the root .clang-tidy) over
# every tracked src/*.cpp, or over the given files, two at a time, with the
# compile commands of build/ (configure first: scripts/build.sh). Findings in
# our headers are reported once, however many files include them.
# Usage: scripts/tidy.sh [-j N] [FILE...]
# Exit: 0 clean, 1 any finding (warning or error), 2 usage or tool error.
set -euo pipefail
cd "$(dirname "$0")/.."
tidy=${CLANG_TIDY:-clang-tidy}
jobs=2
if [[ ${1:-} == -j ]]; then jobs=${2:?-j needs a number}; shift 2; fi
if [[ ${1:-} == -* ]]; then sed -n '2,/^# Exit/s/^# \{0,1\}//p' "$0" >&2; exit 2; fi
db=build/compile_commands.json
[[ -f $db ]] || { echo "tidy: $db missing; configure first (scripts/build.sh)" >&2; exit 2; }
command -v "$tidy" >/dev/null || { echo "tidy: $tidy not found (Debian package clang-tidy)" >&2; exit 2; }
if (( $# )); then files=("$@"); else mapfile -t files < <(git ls-files -- 'src/*.cpp'); fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# One log per file (numbered, so parallel output never interleaves); a
# non-zero exit of clang-tidy itself (a compile error) is a finding too.
export TIDY_BIN=$tidy TIDY_LOGS=$logs
# shellcheck disable=SC2016 # expanded by the inner bash, not here
for i in "${!files[@]}"; do printf '%s\0%s\0' "$i" "${files[$i]}"; done |
  xargs -0 -P "$jobs" -n 2 bash -c '
    "$TIDY_BIN" --quiet -p build "$1" >"$TIDY_LOGS/$0.log" 2>"$TIDY_LOGS/$0.err" ||
      echo "$1: clang-tidy exited $?" >>"$TIDY_LOGS/$0.log"' || true
ordered=()
for i in "${!files[@]}"; do ordered+=("$logs/$i.log"); done

# A finding is a "path:line:col: warning|error: ... [check]" line and the
# lines after it up to the next finding; print each distinct one once.
awk '
  FNR == 1 { keep = 0 }
  /^([^ ]+:[0-9]+:[0-9]+: )?(warning|error): / { keep = !seen[$0]++; if (keep) n++ }
  /: clang-tidy exited [0-9]+$/ { keep = 1; failed++ }
  keep { print }
  END {
    printf "tidy: %d finding(s), %d file(s) clang-tidy could not check\n", n, failed > "/dev/stderr"
    exit n + failed > 0
  }
' "${ordered[@]}"
