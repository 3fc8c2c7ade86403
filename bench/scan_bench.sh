#!/usr/bin/env bash
# Scan benchmark: generates a realistic AWS Config snapshot (default 200,000
# items), runs `cloudwarden scan --format json` with every built-in rule, and in
# the same run times jq answering ONE single-rule question (which buckets have a
# public ACL grant) on the same file. Prints items/s, MB/s, peak RSS and the ratio
# (ROUNDS rounds of both tools, default 5; medians).
#   ITEMS=N      items to generate (default 200000)
#   BIN=path     the binary (default build/cloudwarden)
#   ROUNDS=N     rounds of cloudwarden then jq (default 5, odd)
# The generated file (bench/out/snapshot-ITEMS.json, git-ignored) is reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-200000}
BIN=${BIN:-build/cloudwarden}
ROUNDS=${ROUNDS:-5}
out=bench/out
mkdir -p "$out"
snap="$out/snapshot-$ITEMS.json"
[ -x "$BIN" ] || { echo "build first: make build" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -s "$snap" ]; then
  echo "generating $ITEMS items -> $snap" >&2
  python3 bench/gen_aws_snapshot.py --items "$ITEMS" --seed 7 -o "$snap"
fi
size=$(stat -c %s "$snap")
mb=$(python3 -c "print(f'{$size/1e6:.1f}')")

measure() { # label, command... ; prints "secs rss_kb"
  local t; t=$(mktemp); shift
  /usr/bin/time -f "%e %M" -o "$t" "$@" >/dev/null 2>"$t.err" || { cat "$t.err" >&2; }
  cat "$t"; rm -f "$t" "$t.err"
}

# warm the page cache so both tools read from memory
cat "$snap" >/dev/null

JQ_PROG='[.configurationItems[]
  | select(.resourceType == "AWS::S3::Bucket")
  | select((.supplementaryConfiguration.AccessControlList // "{}")
           | (if type == "string" then fromjson else . end)
           | [.grantList[]? | .grantee | (if type == "string" then . else (.uri? // .id? // "") end)
              | select(test("AllUsers|AuthenticatedUsers"))] | length > 0)
  | .ARN // .arn] | length'

# ROUNDS rounds, each runs cloudwarden then jq, so that both see the same
# machine (its speed drifts by 20-50% here); medians count, and the median of
# the per-round ratios is printed too.
runs=(); jruns=(); ratios=()
for i in $(seq "$ROUNDS"); do
  read -r s kb < <(measure cw "$BIN" scan --quiet --format json -o "$out/findings.json" "$snap")
  read -r js jkb < <(measure jq jq "$JQ_PROG" "$snap")
  runs+=("$s $kb"); jruns+=("$js $jkb")
  ratios+=("$(python3 -c "print(f'{$js/max($s,1e-3):.2f}')")")
done
mid=$(( (ROUNDS + 1) / 2 ))
read -r cw_s cw_kb < <(printf '%s\n' "${runs[@]}" | sort -n | sed -n "${mid}p")
read -r jq_s jq_kb < <(printf '%s\n' "${jruns[@]}" | sort -n | sed -n "${mid}p")
ratio_med=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "${mid}p")
echo "cloudwarden runs (s, KB): ${runs[*]}" >&2
echo "jq runs (s, KB): ${jruns[*]}" >&2
echo "per-round ratios: ${ratios[*]}" >&2
findings=$(python3 -c "import json;print(len(json.load(open('$out/findings.json'))['findings']))")
rules=$(python3 -c "import json;print(json.load(open('$out/findings.json'))['scan']['rules'])")

jq_count=$(jq "$JQ_PROG" "$snap")

python3 - "$ITEMS" "$size" "$cw_s" "$cw_kb" "$jq_s" "$jq_kb" "$findings" "$rules" "$jq_count" "$ratio_med" <<'PY'
import sys
items,size,cw_s,cw_kb,jq_s,jq_kb,findings,rules,jqc,rmed=sys.argv[1:]
items=int(items); size=int(size); cw_s=max(float(cw_s),1e-3); jq_s=float(jq_s)
print(f"input            {items} items, {size/1e6:.1f} MB")
print(f"cloudwarden scan {cw_s:.2f} s  {items/cw_s:,.0f} items/s  {size/1e6/cw_s:.0f} MB/s  peak RSS {int(cw_kb)/1024:.0f} MiB "
      f"({int(cw_kb)*1024/size:.2f}x input)  {rules} rules, {findings} findings")
print(f"jq one rule      {jq_s:.2f} s  peak RSS {int(jq_kb)/1024:.0f} MiB  ({jqc} buckets with a public ACL grant)")
print(f"ratio            cloudwarden (all rules) is {jq_s/cw_s:.1f}x faster than jq (one rule); "
      f"median of the per-round ratios {float(rmed):.1f}x")
PY
