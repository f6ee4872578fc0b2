#!/usr/bin/env bash
# Regenerates what comes from the option table (src/cli/options.cpp): the
# option tables of docs/configuration.md and the sample docs/trawl.toml.
# Usage: scripts/gen_options.sh [TRAWL_BINARY]   (default: build/trawl)
set -euo pipefail
cd "$(dirname "$0")/.."
TRAWL=${1:-build/trawl}
"$TRAWL" options toml >docs/trawl.toml
python3 - "$TRAWL" <<'PY'
import re, subprocess, sys
tables = subprocess.run([sys.argv[1], "options", "markdown"], check=True,
                        capture_output=True, text=True).stdout
path = "docs/configuration.md"
text = open(path, encoding="utf-8").read()
begin = text.index("<!-- options:begin")
begin = text.index("-->", begin) + 3
end = text.index("<!-- options:end -->")
open(path, "w", encoding="utf-8").write(text[:begin] + "\n\n" + tables + text[end:])
PY
echo "gen_options: docs/configuration.md and docs/trawl.toml updated"
