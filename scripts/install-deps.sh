#!/usr/bin/env bash
# Installs cloudwarden's build and test dependencies from Debian packages.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail
PKGS=(
  build-essential g++ meson ninja-build pkg-config
  libsimdjson-dev libyaml-dev libvectorscan-dev libpcre2-dev
  libsqlite3-dev libpq-dev libmicrohttpd-dev libcurl4-openssl-dev
  libssl-dev zlib1g-dev libdeflate-dev libcmocka-dev libutf8proc-dev
  clang libclang-rt-14-dev jq ripgrep python3 time
  chromium nodejs mawk
  python3-fake-factory postgresql cmark-gfm
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# playwright-core for the report's browser test (tests/report/package.json; node_modules is not committed)
npm_deps() {
  local d; d="$(cd "$(dirname "$0")/.." && pwd)/tests/report"
  if command -v npm >/dev/null && [ -f "$d/package-lock.json" ] && [ ! -d "$d/node_modules/playwright-core" ]; then
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >&2) || echo "npm ci in tests/report failed" >&2
  fi
  # Microsoft's SARIF Multitool for tests/sarif/validate.py (into ~/.cache, not the checkout)
  "$d/../sarif/install-multitool.sh" >/dev/null || echo "SARIF Multitool not installed" >&2
}
if [ ${#missing[@]} -eq 0 ]; then npm_deps; exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
npm_deps
