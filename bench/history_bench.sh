#!/usr/bin/env bash
# History import benchmark (see bench/history_bench.py): ITEMS, CHANGES, SEED, EVALUATE, CW.
set -euo pipefail
exec python3 "$(dirname "$0")/history_bench.py" "$@"
