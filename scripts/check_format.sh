#!/usr/bin/env bash
# Fails, listing them, when C++ files are not formatted as the checked-in
# .clang-format says (Debian clang-format 14; another major version may
# format differently). Changes nothing: fix a file with `clang-format -i FILE`.
# Usage: scripts/check_format.sh                  every tracked *.cpp/*.h under
#                                                 src/ tools/ tests/ bench/
#        scripts/check_format.sh --changed BASE   only those added or changed
#          since the merge base of BASE and HEAD, uncommitted changes included
# Exit: 0 all formatted, 1 some are not, 2 usage or tool error.
set -euo pipefail
cd "$(dirname "$0")/.."
format=${CLANG_FORMAT:-clang-format}
paths=(src tools tests bench)
globs=()
for p in "${paths[@]}"; do globs+=("$p/*.cpp" "$p/*.h"); done

if (( $# == 0 )); then
  mapfile -t files < <(git ls-files -- "${globs[@]}")
elif (( $# == 2 )) && [[ $1 == --changed ]]; then
  base=$(git merge-base "$2" HEAD) || { echo "check_format: no merge base with '$2'" >&2; exit 2; }
  mapfile -t files < <(git diff --name-only --diff-filter=ACMR "$base" -- "${globs[@]}")
else
  sed -n '2,/^# Exit/s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
command -v "$format" >/dev/null || { echo "check_format: $format not found (Debian package clang-format)" >&2; exit 2; }
if [[ $("$format" --version) != *"version 14."* ]]; then
  echo "check_format: warning: not clang-format 14; results may differ from CI" >&2
fi
(( ${#files[@]} )) || { echo "check_format: no C++ files to check"; exit 0; }

# --dry-run -Werror reports "FILE:LINE:COL: error: code should be
# clang-formatted"; keep only the file names.
set +e
report=$(printf '%s\0' "${files[@]}" | xargs -0 "$format" --dry-run -Werror --style=file 2>&1)
set -e
mapfile -t bad < <(sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' <<<"$report" | sort -u)
if (( ${#bad[@]} == 0 )); then
  if grep -q 'error' <<<"$report"; then echo "$report" >&2; exit 2; fi
  echo "check_format: ${#files[@]} files formatted"
  exit 0
fi
echo "check_format: ${#bad[@]} of ${#files[@]} files not formatted (clang-format -i FILE):"
printf '  %s\n' "${bad[@]}"
exit 1
