#!/usr/bin/env bash
# Installs every Debian package that trawl's build, tests, benchmarks and demo
# need. Idempotent: packages already present are left alone. Uses sudo when not
# root. Set TRAWL_SETUP_SKIP_APT=1 to skip (e.g. on a machine you manage).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ccache pkg-config git
  # guard rails: the format check and clang-tidy (scripts/check_format.sh, scripts/tidy.sh)
  clang-format clang-tidy
  # libraries (DESIGN.md §9)
  libcurl4-openssl-dev zlib1g-dev libbrotli-dev libssl-dev libdeflate-dev libzstd-dev
  libgumbo-dev libxml2-dev
  nlohmann-json3-dev libphonenumber-dev libpsl-dev publicsuffix libidn2-dev
  libuchardet-dev libre2-dev libcli11-dev libspdlog-dev libfmt-dev
  libpugixml-dev libexpected-dev
  libhiredis-dev libsqlite3-dev libpq-dev libcpp-httplib-dev
  # servers the integration tests and `trawl up` start on loopback
  redis-server redis-tools postgresql
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev python3 python3-yaml curl time wrk
  python3-prometheus-client
  # the browser test of the web page (tests/e2e): chromium driven through its
  # chromedriver by Debian's selenium
  chromium fonts-dejavu-core chromium-driver python3-selenium
)

if [[ "${TRAWL_SETUP_SKIP_APT:-0}" == "1" ]]; then
  echo "setup: TRAWL_SETUP_SKIP_APT=1, not installing packages"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if (( ${#missing[@]} == 0 )); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
