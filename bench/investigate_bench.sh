#!/usr/bin/env bash
# Benchmark of `cloudwarden investigate` (not a timed test).
#
# Generates (once, cached in $OUT) about 2 GB of S3 server access logs and gzip
# CloudTrail files with bench/gen_access_logs.py (the exactness scenario with
# the internal traffic scaled up), then in each round times
#   - investigate over the S3 access logs,
#   - mawk filtering the same logs for anonymous GETs of the bucket (the awk
#     one-liner responders use: $2 bucket, $6 requester, $8 operation),
#   - investigate over the gzip CloudTrail files,
#   - investigate over half of the S3 logs (peak memory must not grow with size),
# and prints MB/s (wall) and MB/s per core (bytes / CPU seconds), peak RSS, the
# medians over ROUNDS and the ratio to mawk. Every investigate run must give the
# same actors as the truth of the generator (checked on the S3 run).
#
#   BIN=build/cloudwarden SCALE=1350 CT_FRACTION=0.25 ROUNDS=3 OUT=bench/out/investigate
# Wrap the run in `flock /work/bench.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/cloudwarden}
SCALE=${SCALE:-1350}
CT_FRACTION=${CT_FRACTION:-0.25}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-bench/out/investigate}
data="$OUT/data-$SCALE-$CT_FRACTION"
[ -x "$BIN" ] || { echo "build first: $BIN not found" >&2; exit 2; }
command -v mawk >/dev/null || { echo "mawk is needed (apt-get install mawk)" >&2; exit 2; }

if [ ! -f "$data/.done" ]; then
  echo "generating logs (scale $SCALE, CloudTrail fraction $CT_FRACTION) into $data ..." >&2
  rm -rf "$data"
  mkdir -p "$data"
  python3 bench/gen_access_logs.py -o "$data/logs" --truth "$data/truth.json" --scale "$SCALE" \
    --ct-fraction "$CT_FRACTION" --seed 5
  touch "$data/.done"
fi
s3="$data/logs/s3"
ct="$data/logs/cloudtrail"
s3_bytes=$(du -sb "$s3" | cut -f1)
ct_gz_bytes=$(du -sb "$ct" | cut -f1)
ct_bytes=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['cloudtrail_bytes'])" "$data/truth.json")
nfiles=$(ls "$s3" | wc -l)
half="$data/half"
if [ ! -d "$half" ]; then
  mkdir -p "$half"
  ls "$s3" | head -n $((nfiles / 2)) | while read -r f; do ln -s "$(cd "$s3" && pwd)/$f" "$half/$f"; done
fi
half_bytes=$(du -sbL "$half" | cut -f1)
args=(--resource dealer-exports --window 2024-03-01T00:00:00Z..2024-03-04T00:00:00Z
      --org-accounts 111122223333,444455556666 --trusted-ips 10.0.0.0/8 -q --format json)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timed() { # label, command... ; appends "label wall user sys maxrss_kb" to $tmp/times
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S %M" -a -o "$tmp/times" "$@" >"$tmp/$label.out" 2>"$tmp/$label.err" || {
    local rc=$?; [ $rc -le 1 ] || { echo "$label failed ($rc):" >&2; tail -5 "$tmp/$label.err" >&2; exit 1; }; }
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
for r in $(seq 1 "$ROUNDS"); do
  timed s3 "$BIN" investigate "${args[@]}" "$s3"
  timed mawk sh -c "cat '$s3'/* | mawk '\$2 == \"dealer-exports\" && \$6 == \"-\" && \$8 == \"REST.GET.OBJECT\" {n++} END {print n+0}'"
  timed mawkf mawk '$2 == "dealer-exports" && $6 == "-" && $8 == "REST.GET.OBJECT" {n++} END {print n+0}' "$s3"/*
  timed ct "$BIN" investigate "${args[@]}" "$ct"
  timed half "$BIN" investigate "${args[@]}" "$half"
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"

# the S3 run found exactly the generator's external actors
python3 - "$tmp/s3.out" "$data/truth.json" <<'PY'
import json, sys
out, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
got = sorted((a["kind"], a["id"], len(a["objects_read"]), len(a["full_copies"])) for a in out["actors"])
want = sorted((a["kind"], a["id"], len(a["objects_read"]), len(a["full_copies"])) for a in truth["actors"])
print("actors found: %d, as generated: %s" % (len(got), "yes" if got == want else "NO: %s vs %s" % (got, want)))
if got != want: sys.exit(1)
PY
python3 - "$tmp/times" "$s3_bytes" "$ct_bytes" "$ct_gz_bytes" "$half_bytes" "$(cat "$tmp/mawk.out")" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 5 and p[0] in ("s3", "mawk", "mawkf", "ct", "half"):
        rows.setdefault(p[0], []).append(tuple(map(float, p[1:])))
s3b, ctb, ctgz, halfb = (int(x) for x in sys.argv[2:6])
mb = 1e6
def med(label, i): return statistics.median(r[i] for r in rows[label])
def line(label, name, nbytes):
    wall, user, sys_, rss = med(label, 0), med(label, 1), med(label, 2), med(label, 3)
    cpu = user + sys_
    print("%-34s %8.0f MB %8.2f s %8.2f s %9.0f %9.0f %8.1f MiB" % (name, nbytes / mb, wall, cpu, nbytes / mb / wall,
          nbytes / mb / cpu if cpu else 0, rss / 1024))
print("%-34s %11s %10s %10s %9s %9s %12s" % ("run (median of %d)" % len(rows["s3"]), "input", "wall", "cpu", "MB/s",
      "MB/s/core", "peak RSS"))
line("s3", "investigate, S3 access logs", s3b)
line("mawk", "mawk anonymous GETs (cat | mawk)", s3b)
line("mawkf", "mawk anonymous GETs (files)", s3b)
line("ct", "investigate, CloudTrail (gzip)", ctb)
print("%-34s %8.0f MB compressed" % ("  CloudTrail on disk", ctgz / mb))
line("half", "investigate, half the S3 logs", halfb)
print("investigate vs mawk (files): %.2fx faster (wall), %.2fx (cpu); mawk counted %s anonymous GETs" % (
    med("mawkf", 0) / med("s3", 0), (med("mawkf", 1) + med("mawkf", 2)) / (med("s3", 1) + med("s3", 2)), sys.argv[6]))
print("peak RSS: all logs %.1f MiB, half %.1f MiB (bounded by actors and objects, not by log size)" % (
    med("s3", 3) / 1024, med("half", 3) / 1024))
PY
