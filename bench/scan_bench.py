#!/usr/bin/env python3
"""Scan benchmark (run it through bench/scan_bench.sh).

For every size in ITEMS and every layout in LAYOUTS it generates (once, cached) an
AWS Config snapshot with bench/gen_aws_snapshot.py, then runs ROUNDS alternating
rounds of
  new   BIN scan --format json (every built-in rule)
  old   the same scan by the binary built from OLD_COMMIT (cached build)
  jq    ONE single-rule jq query (buckets with a public ACL grant), sizes <= JQ_MAX_ITEMS
(the order rotates each round so no tool always runs first) and prints, per layout:
median wall/CPU time, items/s, MB/s, peak RSS against the input size, the model's
bytes per asset (from `scan --stats`), the ratios new/jq and new/old (ratio of the
medians and median of the per-round ratios), whether new and old give byte-for-byte
the same findings in every format of FORMATS (timestamps masked), and whether every
layout gives the same findings (source locations masked). With several sizes it also
prints how time and peak RSS grow with the item count.

Environment (all optional):
  ITEMS=200000           sizes, space or comma separated ("200000 2000000")
  LAYOUTS="pretty compact compact.gz"   pretty | compact | lines, each optionally .gz
  ROUNDS=5               alternating rounds per layout (odd, so a median is a run)
  BIN=build/cloudwarden  the binary under test
  OLD_COMMIT=496b417     commit whose build runs beside BIN ("" or "none" = no old run)
  OLD_BIN=path           use this binary as the old one instead of building OLD_COMMIT
  JQ_MAX_ITEMS=200000    run jq only at sizes up to this (jq keeps the whole file as
                         values: ~2.8 GiB for the 200k pretty file); 0 = never
  FORMATS="json ocsf sarif csv table"   formats compared new vs old ("" = none)
  SEED=7                 generator seed
  BENCH_DATA=bench/out   where snapshots and outputs go (a 2M-item run needs ~12 GB)
  BENCH_LOCK=path        hold flock(path) during the timed rounds (e.g. /work/bench.lock)
  KEEP_OUTPUTS=1         keep the findings files of the comparison runs
  CACHE_DIR              old builds (default $XDG_CACHE_HOME/cloudwarden-bench,
                         else ~/.cache/cloudwarden-bench)
"""
import fcntl
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)

JQ_PROG = r'''[.configurationItems[]
  | select(.resourceType == "AWS::S3::Bucket")
  | select((.supplementaryConfiguration.AccessControlList // "{}")
           | (if type == "string" then fromjson else . end)
           | [.grantList[]? | .grantee | (if type == "string" then . else (.uri? // .id? // "") end)
              | select(test("AllUsers|AuthenticatedUsers"))] | length > 0)
  | .ARN // .arn] | length'''

# what differs between two runs of the same scan: the start time (json, sarif) and
# the OCSF event times derived from it
MASK_TIME = [r's/"(started|startTimeUtc)": ?"[^"]*"/"\1":"T"/g',
             r's/"(time|created_time)": ?[0-9]+/"\1":0/g']
# what differs between layouts of the same items: the input's name and where each
# record starts (line numbers)
MASK_SOURCE = [r's/"source": ?\{[^}]*\}/"source":{}/g', r'/snapshot-[0-9]+-/d']


def env(name, default):
    v = os.environ.get(name)
    return default if v is None else v


def die(msg):
    print("scan_bench: " + msg, file=sys.stderr)
    sys.exit(2)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# ---- configuration ---------------------------------------------------------
SIZES = [int(x) for x in re.split(r"[,\s]+", env("ITEMS", "200000").strip()) if x]
LAYOUTS = env("LAYOUTS", "pretty compact compact.gz").split()
ROUNDS = int(env("ROUNDS", "5"))
BIN = env("BIN", "build/cloudwarden")
OLD_COMMIT = env("OLD_COMMIT", "496b417")
OLD_BIN = env("OLD_BIN", "")
JQ_MAX = int(env("JQ_MAX_ITEMS", "200000"))
FORMATS = env("FORMATS", "json ocsf sarif csv table").split()
SEED = int(env("SEED", "7"))
DATA = env("BENCH_DATA", "bench/out")
LOCK = env("BENCH_LOCK", "")
KEEP = env("KEEP_OUTPUTS", "") not in ("", "0")
for lay in LAYOUTS:
    if lay.removesuffix(".gz") not in ("pretty", "compact", "lines"):
        die("unknown layout %r (pretty, compact, lines, each optionally .gz)" % lay)
if not SIZES or ROUNDS < 1:
    die("ITEMS and ROUNDS must be positive")
if not os.access(BIN, os.X_OK):
    die("%s is not built: make build" % BIN)
if not os.path.exists("/usr/bin/time"):
    die("needs /usr/bin/time (apt-get install time)")
os.makedirs(DATA, exist_ok=True)


# ---- the old binary: OLD_COMMIT built once in a cache outside the tree -------
def old_binary():
    if OLD_BIN:
        if not os.access(OLD_BIN, os.X_OK):
            die("OLD_BIN=%s is not executable" % OLD_BIN)
        return OLD_BIN, "OLD_BIN " + OLD_BIN
    if OLD_COMMIT in ("", "none", "0"):
        return None, None
    try:
        sha = subprocess.run(["git", "rev-parse", "--verify", OLD_COMMIT + "^{commit}"], check=True,
                             capture_output=True, text=True).stdout.strip()
    except subprocess.CalledProcessError:
        die("OLD_COMMIT=%s is not a commit of this repository" % OLD_COMMIT)
    cache = env("CACHE_DIR", os.path.join(env("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                          "cloudwarden-bench"))
    tree = os.path.join(cache, sha)
    binp = os.path.join(tree, "build", "cloudwarden")
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)  # two benchmarks may want the same build
        if not os.access(binp, os.X_OK):
            log("building the old binary (%s) in %s" % (sha[:10], tree))
            shutil.rmtree(tree, ignore_errors=True)
            os.makedirs(tree)
            # a clean checkout of the commit (git archive: no worktree bookkeeping
            # in the shared repository), then the same release build as `make build`
            arch = subprocess.Popen(["git", "archive", sha], stdout=subprocess.PIPE)
            sh(["tar", "-x", "-C", tree], stdin=arch.stdout)
            if arch.wait() != 0:
                die("git archive %s failed" % sha)
            sh(["meson", "setup", "build"], cwd=tree, stdout=subprocess.DEVNULL)
            sh(["ninja", "-C", "build", "cloudwarden"], cwd=tree, stdout=subprocess.DEVNULL)
    return binp, "%s (%s)" % (OLD_COMMIT, sha[:10])


# ---- data --------------------------------------------------------------------
def gen_tag():
    with open("bench/gen_aws_snapshot.py", "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:8]


def snap_path(n, layout):
    base = layout.removesuffix(".gz")
    return os.path.join(DATA, "snapshot-%d-s%d-%s.%s.json%s" % (n, SEED, gen_tag(), base,
                                                                ".gz" if layout.endswith(".gz") else ""))


def ensure_data(n):
    missing = [lay for lay in LAYOUTS if not os.path.exists(snap_path(n, lay))]
    if not missing:
        return
    outs = []
    for lay in missing:
        outs += ["--out", "%s=%s.tmp%s" % (lay.removesuffix(".gz"), snap_path(n, lay),
                                           ".gz" if lay.endswith(".gz") else "")]
    log("generating %d items: %s" % (n, ", ".join(missing)))
    sh([sys.executable, "bench/gen_aws_snapshot.py", "--items", str(n), "--seed", str(SEED)] + outs)
    for lay in missing:
        p = snap_path(n, lay)
        os.rename("%s.tmp%s" % (p, ".gz" if lay.endswith(".gz") else ""), p)


def text_size(path):
    if not path.endswith(".gz"):
        return os.path.getsize(path)
    # ISIZE (the gzip trailer) is mod 2^32: decompress to count
    total = 0
    with subprocess.Popen(["gzip", "-dc", path], stdout=subprocess.PIPE) as p:
        while True:
            b = p.stdout.read(1 << 22)
            if not b:
                break
            total += len(b)
    return total


# ---- runs ----------------------------------------------------------------------
def measure(cmd, ok=(0, 1)):
    """Wall, user, sys seconds and peak RSS (bytes) of cmd, by /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf.name] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode not in ok:
            die("%s exited %d:\n%s" % (" ".join(cmd[:3]), p.returncode, p.stderr[-2000:]))
        wall, user, sys_, kb = tf.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss": int(kb) * 1024}


def scan_cmd(binp, snap, fmt, out, extra=()):
    return [binp, "scan", "--quiet", "--format", fmt, "-o", out] + list(extra) + [snap]


def jq_cmd(snap):
    if snap.endswith(".gz"):
        return ["sh", "-c", 'gzip -dc "$1" | jq "$2"', "jq", snap, JQ_PROG]
    return ["jq", JQ_PROG, snap]


def stats_of(binp, snap, out):
    """One `scan --stats` run: stage times and the model's size."""
    p = subprocess.run([binp, "scan", "--stats", "--format", "json", "-o", out, snap],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = next((l for l in p.stderr.splitlines() if "stats" in l), "")
    m = re.search(r"(\d+) assets", p.stderr)
    assets = int(m.group(1)) if m else 0
    model, per_asset = None, None
    m = re.search(r"model ([0-9.]+) MiB = ([0-9]+) bytes/asset", line)  # arenas + indexes, per stored asset
    if m:
        model, per_asset = float(m.group(1)) * 1048576, int(m.group(2))
    else:
        m = re.search(r"model arena ([0-9.]+) MiB", line)  # older: arenas only
        if m:
            model = float(m.group(1)) * 1048576
    if model is not None and per_asset is None:
        per_asset = model / max(assets, 1)
    return {"line": line, "assets": assets, "model": model, "per_asset": per_asset}


def masked_md5(path, rules):
    args = ["sed", "-E"]
    for r in rules:
        args += ["-e", r]
    p1 = subprocess.Popen(args + [path], stdout=subprocess.PIPE)
    h = hashlib.md5()
    while True:
        b = p1.stdout.read(1 << 22)
        if not b:
            break
        h.update(b)
    p1.wait()
    return h.hexdigest()


class CpuWatch:
    """CPU the rest of the machine used meanwhile (all CPU time minus our children's)."""

    def __init__(self):
        self.t0 = time.time()
        self.busy0 = self._busy()
        self.kids0 = self._kids()

    @staticmethod
    def _busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        # user nice system idle iowait irq softirq steal
        return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _kids():
        t = os.times()
        return t.children_user + t.children_system

    def others(self):
        dt = max(time.time() - self.t0, 1e-6)
        return max(0.0, (self._busy() - self.busy0) - (self._kids() - self.kids0)) / dt


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_mb(b):
    return "%.1f MB" % (b / 1e6)


def fmt_mib(b):
    return "%.0f MiB" % (b / 1048576)


# ---- main ------------------------------------------------------------------------
def main():
    old, old_name = old_binary()
    ncpu = os.cpu_count()
    log("load average at start: %s" % open("/proc/loadavg").read().split()[:3])
    results = {}
    lockf = open(LOCK, "a") if LOCK else None
    for n in SIZES:
        ensure_data(n)
        for lay in LAYOUTS:
            snap = snap_path(n, lay)
            size = os.path.getsize(snap)
            tsize = text_size(snap)
            run = tempfile.mkdtemp(prefix="run-", dir=DATA)
            tools = [("new", lambda: scan_cmd(BIN, snap, "json", os.path.join(run, "new.json")))]
            if old:
                tools.append(("old", lambda: scan_cmd(old, snap, "json", os.path.join(run, "old.json"))))
            if JQ_MAX and n <= JQ_MAX:
                tools.append(("jq", lambda: jq_cmd(snap)))
            with open(snap, "rb") as f:  # warm the page cache: every tool reads from memory
                while f.read(1 << 24):
                    pass
            if lockf:
                log("waiting for %s" % LOCK)
                fcntl.flock(lockf, fcntl.LOCK_EX)
            log("%d items, %s: %d rounds of %s" % (n, lay, ROUNDS, ", ".join(t for t, _ in tools)))
            watch = CpuWatch()
            runs = {t: [] for t, _ in tools}
            for r in range(ROUNDS):
                for k in range(len(tools)):
                    t, cmd = tools[(r + k) % len(tools)]
                    runs[t].append(measure(cmd(), ok=(0, 1) if t != "jq" else (0,)))
            others = watch.others()
            if lockf:
                fcntl.flock(lockf, fcntl.LOCK_UN)
            st_new = stats_of(BIN, snap, os.path.join(run, "stats-new.json"))
            st_old = stats_of(old, snap, os.path.join(run, "stats-old.json")) if old else None
            jq_count = None
            if "jq" in runs:
                jq_count = subprocess.run(jq_cmd(snap), capture_output=True, text=True).stdout.strip()
            # the same findings, byte for byte, in every format
            same = {}
            if old:
                for f in FORMATS:
                    a, b = os.path.join(run, "new.json"), os.path.join(run, "old.json")
                    if f != "json":
                        a, b = os.path.join(run, "new." + f), os.path.join(run, "old." + f)
                        measure(scan_cmd(BIN, snap, f, a))
                        measure(scan_cmd(old, snap, f, b))
                    same[f] = masked_md5(a, MASK_TIME) == masked_md5(b, MASK_TIME)
                    if f != "json" and not KEEP:
                        os.unlink(a), os.unlink(b)
            layout_md5 = masked_md5(os.path.join(run, "new.json"), MASK_TIME + MASK_SOURCE)
            with open(os.path.join(run, "new.json"), "rb") as f:
                head = f.read(1 << 16).decode("utf-8", "replace")
            m = re.search(r'"rules": (\d+)', head)
            nrules = int(m.group(1)) if m else 0
            nfind = sum(1 for line in open(os.path.join(run, "new.json"), "rb") if line.startswith(b'    {"rule"'))
            results[(n, lay)] = dict(size=size, tsize=tsize, runs=runs, others=others, st_new=st_new,
                                     st_old=st_old, jq_count=jq_count, same=same, layout_md5=layout_md5,
                                     nrules=nrules, nfind=nfind)
            report(n, lay, results[(n, lay)], old_name, ncpu)
            if KEEP:
                log("outputs kept in %s" % run)
            else:
                shutil.rmtree(run)
    summary(results, old_name)
    log("load average at end: %s" % open("/proc/loadavg").read().split()[:3])


def report(n, lay, r, old_name, ncpu):
    runs = r["runs"]
    size, tsize = r["size"], r["tsize"]
    gz = lay.endswith(".gz")
    print()
    print("== %d items, %s: %s%s" % (n, lay, fmt_mb(size), " gzip (%s of JSON)" % fmt_mb(tsize) if gz else ""))
    print("   machine: other processes used %.2f of %d cores during the rounds%s" %
          (r["others"], ncpu, "  (NOISY: timing taken on a busy machine)" if r["others"] > 0.25 else ""))
    assets = r["st_new"]["assets"] or n
    for t in runs:
        w = [x["wall"] for x in runs[t]]
        c = [x["cpu"] for x in runs[t]]
        rss = max(x["rss"] for x in runs[t])
        label = {"new": "new", "old": "old", "jq": "jq (1 rule)"}[t]
        line = "   %-12s median %6.2f s wall %6.2f s cpu  %9s items/s %6.0f MB/s  peak RSS %s = %.2fx the input" % (
            label, med(w), med(c), "{:,.0f}".format(n / max(med(w), 1e-3)), tsize / 1e6 / max(med(w), 1e-3),
            fmt_mib(rss), rss / tsize)
        print(line)
        print("   %-12s rounds %s" % ("", " ".join("%.2f" % x for x in w)))
    for t, st in (("new", r["st_new"]), ("old", r["st_old"])):
        if st and st["model"]:
            print("   %-12s model %s = %.0f bytes/asset (%d live assets)" % (
                t, fmt_mib(st["model"]), st["per_asset"], st["assets"] or assets))
    if "jq" in runs:
        for t in ("new", "old"):
            if t not in runs:
                continue
            rr = [j["wall"] / max(x["wall"], 1e-3) for x, j in zip(runs[t], runs["jq"])]
            print("   %-12s %.1fx faster than jq (ratio of medians); per-round %s, median %.1fx" % (
                t, med([x["wall"] for x in runs["jq"]]) / max(med([x["wall"] for x in runs[t]]), 1e-3),
                " ".join("%.1f" % x for x in rr), med(rr)))
        print("   jq answer:   %s buckets with a public ACL grant" % r["jq_count"])
    if "old" in runs:
        rr = [o["wall"] / max(x["wall"], 1e-3) for x, o in zip(runs["new"], runs["old"])]
        print("   new vs old   %.2fx faster (ratio of medians), per-round median %.2fx; peak RSS %.2fx of old" % (
            med([x["wall"] for x in runs["old"]]) / max(med([x["wall"] for x in runs["new"]]), 1e-3), med(rr),
            max(x["rss"] for x in runs["new"]) / max(max(x["rss"] for x in runs["old"]), 1)))
    print("   findings     %d rules, %d findings" % (r["nrules"], r["nfind"]))
    if r["same"]:
        print("   same as old  " + ", ".join("%s %s" % (f, "yes" if s else "NO (DIFFERENT)") for f, s in r["same"].items()))
    print("   new --stats  " + r["st_new"]["line"].replace("cloudwarden: stats ", ""))
    if r["st_old"]:
        print("   old --stats  " + r["st_old"]["line"].replace("cloudwarden: stats ", ""))
    sys.stdout.flush()


def summary(results, old_name):
    print()
    print("== summary (new = %s%s)" % (BIN, ", old = " + old_name if old_name else ""))
    print("   %-10s %-11s %9s %8s %8s %8s %7s %7s %9s %6s" % (
        "items", "layout", "input MB", "new s", "old s", "jq s", "jq/new", "RSS/in", "B/asset", "same"))
    for (n, lay), r in results.items():
        runs = r["runs"]
        nw = med([x["wall"] for x in runs["new"]])
        ow = med([x["wall"] for x in runs["old"]]) if "old" in runs else None
        jw = med([x["wall"] for x in runs["jq"]]) if "jq" in runs else None
        rss = max(x["rss"] for x in runs["new"])
        st = r["st_new"]
        bpa = st["per_asset"] if st["model"] else float("nan")
        same = "all" if r["same"] and all(r["same"].values()) else ("-" if not r["same"] else "NO")
        print("   %-10d %-11s %9.1f %8.2f %8s %8s %7s %7.2f %9.0f %6s" % (
            n, lay, r["tsize"] / 1e6, nw, "%.2f" % ow if ow else "-", "%.2f" % jw if jw else "-",
            "%.1fx" % (jw / max(nw, 1e-3)) if jw else "-", rss / r["tsize"], bpa, same))
    # every layout of one size: the same findings (source locations masked)
    for n in SIZES:
        md5s = {lay: results[(n, lay)]["layout_md5"] for lay in LAYOUTS if (n, lay) in results}
        if len(md5s) > 1:
            print("   %d items: the layouts give %s" % (
                n, "the same findings" if len(set(md5s.values())) == 1 else "DIFFERENT findings: %s" % md5s))
    # growth with the item count
    if len(SIZES) > 1:
        base = SIZES[0]
        for n in SIZES[1:]:
            for lay in LAYOUTS:
                a, b = results.get((base, lay)), results.get((n, lay))
                if not a or not b:
                    continue
                parts = []
                for t in ("new", "old"):
                    if t in a["runs"] and t in b["runs"]:
                        ta = med([x["wall"] for x in a["runs"][t]])
                        tb = med([x["wall"] for x in b["runs"][t]])
                        parts.append("%s %.2fx the time" % (t, tb / max(ta, 1e-3)))
                print("   %d -> %d items (%.1fx), %s: %s; peak RSS %.2fx the input" % (
                    base, n, n / base, lay, ", ".join(parts),
                    max(x["rss"] for x in b["runs"]["new"]) / b["tsize"]))


if __name__ == "__main__":
    main()
