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
  python3-fake-factory
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
