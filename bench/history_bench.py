#!/usr/bin/env python3
"""History import benchmark: a generated snapshot (gen_aws_snapshot.py) plus a series of
changes as AWS Config history files (gen_config_history.py), imported with each evaluation
back end of `history import` (--evaluate), beside one `scan` of the final state (the peer:
what one evaluation of the whole state costs). Prints per back end: wall and CPU seconds,
peak RSS, versions replayed per second, assets re-evaluated per change, the store's bytes per
1,000 versions; checks that every back end gives the same windows and that
`findings --status open` equals the scan, finding for finding.

Environment: ITEMS (snapshot items, default 5000), CHANGES (default 500), SEED (7),
EVALUATE ("incremental whole": the back ends to run; the unknown ones are skipped),
CW (build/cloudwarden), BENCH_DATA (bench/out), BENCH_LOCK (/work/bench.lock when it exists).
"""
import fcntl
import json
import os
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cw = os.environ.get("CW", os.path.join(root, "build", "cloudwarden"))
items = int(os.environ.get("ITEMS", "5000"))
changes = int(os.environ.get("CHANGES", "500"))
seed = int(os.environ.get("SEED", "7"))
evals = os.environ.get("EVALUATE", "incremental whole").split()
data = os.environ.get("BENCH_DATA", os.path.join(root, "bench", "out"))
lockp = os.environ.get("BENCH_LOCK", "/work/bench.lock" if os.path.exists("/work/bench.lock") else "")

d = os.path.join(data, "history-%d-%d-%d" % (items, changes, seed))
snap = os.path.join(d, "snap.json.gz")
hist = os.path.join(d, "hist")
if not os.path.exists(os.path.join(d, "done")):
    os.makedirs(d, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(root, "bench", "gen_aws_snapshot.py"), "-n", str(items),
                    "--seed", str(seed), "--compact", "-o", snap], check=True)
    subprocess.run([sys.executable, os.path.join(root, "bench", "gen_config_history.py"), "--snapshot", snap,
                    "--changes", str(changes), "--seed", str(seed), "-o", hist], check=True)
    open(os.path.join(d, "done"), "w").close()
inputs = [snap, hist]


def timed(args):
    """wall, user+sys CPU, peak RSS (KiB) of args, and its stderr"""
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "@@%U %S %M"] + args, capture_output=True, text=True)
    wall = time.time() - t0
    line = [l for l in p.stderr.splitlines() if l.startswith("@@")][-1][2:].split()
    return p, wall, float(line[0]) + float(line[1]), int(line[2])


lock = None
if lockp:
    lock = open(lockp, "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
try:
    load0 = os.getloadavg()[0]
    p, wall, cpu, rss = timed([cw, "scan", "-q", "--format", "json", "-o", os.path.join(d, "scan.json")] + inputs)
    print("scan of the final state: %.2f s wall, %.2f s CPU, peak RSS %.0f MiB" % (wall, cpu, rss / 1024))
    scan = json.load(open(os.path.join(d, "scan.json")))
    key = lambda doc: sorted((f["rule"]["id"], f["resource"]["id"], f["evidence"]) for f in doc["findings"])
    results = {}
    for ev in evals:
        db = os.path.join(d, "store-%s.db" % ev)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        p, wall, cpu, rss = timed([cw, "history", "import", "--evaluate", ev, "--db", db] + inputs)
        if p.returncode != 0:
            print("%s: %s" % (ev, p.stderr.strip().splitlines()[0] if p.stderr.strip() else p.returncode))
            continue
        summary = [l for l in p.stderr.splitlines() if "replayed" in l][0]
        versions = int(summary.split("replayed ")[1].split()[0])
        replay_s = float(summary.split(" in ")[1].split("s ")[0])
        w = json.loads(subprocess.run([cw, "history", "windows", "--db", db, "--format", "json"],
                                      capture_output=True, text=True).stdout)
        f = json.loads(subprocess.run([cw, "findings", "--db", db, "--format", "json"],
                                      capture_output=True, text=True).stdout)
        size = os.path.getsize(db)
        same = key(f) == key(scan)
        results[ev] = sorted((x["resource"], x["start"], x["end"], x["opened_by"], x["closed_by"])
                             for x in w["windows"])
        print("%-11s %d versions: import %.2f s wall (replay %.2f s = %.0f versions/s), %.2f s CPU, peak RSS %.0f "
              "MiB; %d windows (%d open); store %.0f KiB per 1,000 versions; findings == scan: %s"
              % (ev, versions, wall, replay_s, versions / replay_s if replay_s else 0, cpu, rss / 1024,
                 w["summary"]["windows"], w["summary"]["open"], size / 1024 / versions * 1000, same))
    if len(results) > 1:
        vals = list(results.values())
        print("same windows from every back end: %s" % all(v == vals[0] for v in vals))
    print("data: %s (snapshot %d items, %d changes, seed %d); load average %.1f -> %.1f"
          % (d, items, changes, seed, load0, os.getloadavg()[0]))
finally:
    if lock:
        fcntl.flock(lock, fcntl.LOCK_UN)
