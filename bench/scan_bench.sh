#!/usr/bin/env bash
# Scan benchmark: cloudwarden (every built-in rule) beside an older build of it and
# beside one jq query, on generated AWS Config snapshots in several layouts
# (pretty-printed, compact single-line as AWS Config delivers, gzip), alternating
# rounds, medians, peak RSS, model bytes per asset, byte-for-byte comparison of the
# findings with the old build in every format. The options are environment
# variables, all described in bench/scan_bench.py; the usual ones:
#   ITEMS="200000 2000000"   sizes (default 200000)
#   LAYOUTS="pretty compact compact.gz"
#   ROUNDS=5                 alternating rounds
#   OLD_COMMIT=496b417       the build that runs beside build/cloudwarden ("" = none)
#   BENCH_LOCK=/work/bench.lock   hold this lock during the timed rounds
# Snapshots are generated once into bench/out/ (git-ignored; BENCH_DATA=dir elsewhere).
set -euo pipefail
exec python3 "$(dirname "$0")/scan_bench.py" "$@"
