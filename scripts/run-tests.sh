#!/usr/bin/env bash
# Runs every test: the release build's suite (unit, golden, corpus, CLI), the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer, and a short
# libFuzzer run of every fuzz target over its seed corpus. Ends with the line
# "N passed, N failed" that CI reads.
#   CW_SKIP_SANITIZE=1  skip the sanitizer build
#   CW_SKIP_FUZZ=1      skip the fuzz smoke run
#   CW_FUZZ_SECONDS=N   seconds per fuzz target (default 15)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
passed=0
failed=0
failures=()

count_log() { # build dir, label
  local log="$1/meson-logs/testlog.json"
  [ -f "$log" ] || { failed=$((failed + 1)); failures+=("$2: no test log"); return; }
  local p f
  p=$(python3 - "$log" <<'PY'
import json,sys
ok=bad=0; names=[]
for line in open(sys.argv[1]):
    line=line.strip()
    if not line: continue
    r=json.loads(line)
    if r.get("result") in ("OK","EXPECTEDFAIL","SKIP"): ok+=1
    else: bad+=1; names.append(r.get("name"))
print(ok, bad, " ".join(names))
PY
)
  read -r pp ff rest <<<"$p"
  passed=$((passed + pp)); failed=$((failed + ff))
  [ "$ff" -gt 0 ] && failures+=("$2: $rest")
}

echo "== release build"
if [ ! -f build/build.ninja ]; then meson setup build >/dev/null || { echo "meson setup failed"; echo "0 passed, 1 failed"; exit 1; }; fi
if ! ninja -C build; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi
meson test -C build --print-errorlogs --num-processes 2 || true
count_log build release

if [ "${CW_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== ASan + UBSan build (with the projection check: undeclared field reads abort)"
  if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
      -Dproj_check=true >/dev/null
  fi
  if ninja -C build-asan; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 4 || true
    count_log build-asan sanitizers
  else
    failed=$((failed + 1)); failures+=("sanitizer build failed")
  fi
fi

if [ "${CW_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== ThreadSanitizer: the threaded stages (ingest, analyzers, rules, output)"
  if [ ! -f build-tsan/build.ninja ]; then
    meson setup build-tsan -Dbuildtype=debugoptimized -Db_sanitize=thread >/dev/null
  fi
  for t in ingest output; do
    if ninja -C build-tsan tests/unit/test_$t >/dev/null &&
       CW_SOURCE_ROOT="$root" TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/unit/test_$t; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); failures+=("thread sanitizer: $t")
    fi
  done
  # a whole scan big enough for every threaded stage (ingest, analyzers, rules):
  # no race reported, and the same findings as the release build
  tsdir=$(mktemp -d)
  if ninja -C build-tsan cloudwarden >/dev/null &&
     python3 bench/gen_aws_snapshot.py --items 25000 --seed 3 -o "$tsdir/snap.json" &&
     TSAN_OPTIONS=halt_on_error=1 build-tsan/cloudwarden scan -q --format json -o "$tsdir/t.json" "$tsdir/snap.json" &&
     build/cloudwarden scan -q --threads 1 --format json -o "$tsdir/r.json" "$tsdir/snap.json" &&
     python3 -c "import json,sys; a,b=(json.load(open(f))['findings'] for f in sys.argv[1:]); sys.exit(a!=b)" \
       "$tsdir/t.json" "$tsdir/r.json"; then
    passed=$((passed + 1)); echo "tsan scan: ok (threaded findings equal the single-threaded ones)"
  else
    failed=$((failed + 1)); failures+=("thread sanitizer: scan")
  fi
  rm -rf "$tsdir"
  # classify with both threads on each file (small segments): no race, the same report as one thread
  csdir=$(mktemp -d)
  if ninja -C build-tsan cloudwarden >/dev/null &&
     python3 -c "import sys; sys.path.insert(0, 'tests/classify'); import gen_corpus; gen_corpus.accuracy(sys.argv[1], rows=400)" "$csdir/in" &&
     TSAN_OPTIONS=halt_on_error=1 build-tsan/cloudwarden classify -q --threads 2 --chunk 4K --segment 8K --format json -o "$csdir/t.json" "$csdir/in" &&
     build/cloudwarden classify -q --threads 1 --chunk 4K --format json -o "$csdir/r.json" "$csdir/in" &&
     cmp -s "$csdir/t.json" "$csdir/r.json"; then
    passed=$((passed + 1)); echo "tsan classify: ok (two threads per file give the one-thread report)"
  else
    failed=$((failed + 1)); failures+=("thread sanitizer: classify")
  fi
  rm -rf "$csdir"
fi

if [ "${CW_SKIP_FUZZ:-0}" != 1 ] && command -v clang >/dev/null; then
  echo "== fuzz smoke"
  secs=${CW_FUZZ_SECONDS:-15}
  if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang CXX=clang++ meson setup build-fuzz -Dfuzz=true -Dtests=false -Dbuildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=-fsanitize=fuzzer-no-link -Dcpp_args=-fsanitize=fuzzer-no-link >/dev/null
  fi
  if ninja -C build-fuzz; then
    for f in build-fuzz/tests/fuzz/fuzz_*; do
      [ -f "$f" ] && [ -x "$f" ] || continue
      name=$(basename "$f"); name=${name#fuzz_}
      seeds="$root/tests/fuzz/corpus/$name"
      work=$(mktemp -d)
      [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null
      if "$f" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
        passed=$((passed + 1)); echo "fuzz $name: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work.log" || tail -1 "$work.log"))"
      else
        failed=$((failed + 1)); failures+=("fuzz $name"); tail -40 "$work.log"
        for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do [ -f "$a" ] && echo "reproducer: $(xxd "$a" | head -20)"; done
      fi
      rm -rf "$work" "$work.log"
    done
  else
    failed=$((failed + 1)); failures+=("fuzz build failed")
  fi
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
