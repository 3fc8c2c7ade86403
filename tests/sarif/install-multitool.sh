#!/usr/bin/env bash
# Installs Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-linux, a
# self-contained .NET binary of ~100 MB) into a cache directory outside the
# checkout and prints the path of its executable. Idempotent. Exit 1 (nothing
# printed) when npm or the registry is not available.
#   CW_SARIF_MULTITOOL_DIR  where to install (default: ~/.cache/cloudwarden/sarif-multitool)
set -euo pipefail
VERSION=5.7.0
dir="${CW_SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cloudwarden/sarif-multitool}"
exe="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$exe" ] || [ "$(cat "$dir/.version" 2>/dev/null)" != "$VERSION" ]; then
  command -v npm >/dev/null || { echo "npm not found" >&2; exit 1; }
  mkdir -p "$dir"
  # a lock: two test runs installing at once would corrupt the tree
  exec 9>"$dir/.lock"
  flock 9
  if [ ! -x "$exe" ] || [ "$(cat "$dir/.version" 2>/dev/null)" != "$VERSION" ]; then
    timeout 600 npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error \
      "@microsoft/sarif-multitool-linux@$VERSION" >&2 || { echo "npm install failed" >&2; exit 1; }
    [ -f "$exe" ] && chmod u+x "$exe"
    echo "$VERSION" >"$dir/.version"
  fi
fi
[ -x "$exe" ] || { echo "no $exe after install" >&2; exit 1; }
echo "$exe"
