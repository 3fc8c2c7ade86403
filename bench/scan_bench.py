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
  ROUNDS=5               alternating rounds per layout (odd, so a median is a run); one
                         number, or one per size of ITEMS ("5 3")
  BIN=build/cloudwarden  the binary under test
  OLD_COMMIT=496b417     commit whose build runs beside BIN ("" or "none" = no old run)
  OLD_BIN=path           use this binary as the old one instead of building OLD_COMMIT
  JQ_MAX_ITEMS=200000    run jq only at sizes up to this (jq keeps the whole file as
                         values: ~2.8 GiB for the 200k pretty file); 0 = never
  FORMATS="json ocsf sarif csv table"   formats compared new vs old ("" = none)
  FORMATS_MAX_ITEMS=0    above this size compare json only (0 = every format at every size)
  OLD_ROUNDS_MAX_ITEMS=0 above this size the old binary is not in every round: its one
                         comparison run is timed instead (0 = in every round)
  SAME_RULES=old         the comparison runs of new and old load the same rule packs, the
                         old commit's (--no-builtin -r OLD_TREE/rules), so rules added or
                         changed since OLD_COMMIT by other work are not counted as
                         differences; "builtin" = each binary its own built-in rules.
                         The timed rounds always run every built-in rule of each binary.
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
# the finding's identity hash (OCSF finding_info.uid, SARIF partialFingerprints):
# its recipe changed after 496b417 (f3f5b05: rule, type, resource id, id, account,
# region, so that two resources with one ARN differ), a deliberate change of the
# formats, not of the findings; MASK_FINGERPRINTS=0 compares them too
MASK_FP = [r's/"finding_info":\{"uid":"[0-9a-f]{32}"/"finding_info":{"uid":"F"/g',
           r's/"cloudwarden\/v1": ?"[0-9a-f]{32}"/"cloudwarden\/v1":"F"/g']
# SARIF's rule metadata changed after 496b417 (b503f2d, for the SARIF Multitool: a rule's
# name is its title in PascalCase, not its id; tool.driver.informationUri added), a
# deliberate change of the format, not of the findings; the results are compared whole
MASK_SARIF = [r's/^( {14}"name": )"[^"]*",$/\1"N",/', r'/^ {10}"informationUri": /d']
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
ROUNDS_L = [int(x) for x in re.split(r"[,\s]+", env("ROUNDS", "5").strip()) if x]
FORMATS_MAX = int(env("FORMATS_MAX_ITEMS", "0"))
OLD_ROUNDS_MAX = int(env("OLD_ROUNDS_MAX_ITEMS", "0"))
SAME_RULES = env("SAME_RULES", "old")
MASK_FINGERPRINTS = env("MASK_FINGERPRINTS", "1") not in ("", "0")
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
if not SIZES or not ROUNDS_L or min(ROUNDS_L) < 1:
    die("ITEMS and ROUNDS must be positive")
if len(ROUNDS_L) not in (1, len(SIZES)):
    die("ROUNDS: one number or one per size of ITEMS")
if SAME_RULES not in ("old", "builtin"):
    die("SAME_RULES: old or builtin")


def rounds_for(n):
    return ROUNDS_L[0] if len(ROUNDS_L) == 1 else ROUNDS_L[SIZES.index(n)]
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
        return OLD_BIN, "OLD_BIN " + OLD_BIN, None
    if OLD_COMMIT in ("", "none", "0"):
        return None, None, None
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
    return binp, "%s (%s)" % (OLD_COMMIT, sha[:10]), tree


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
    """Wall, user, sys seconds and peak RSS (bytes) of cmd, by /usr/bin/time (and its stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf.name] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode not in ok:
            die("%s exited %d:\n%s" % (" ".join(cmd[:3]), p.returncode, p.stderr[-2000:]))
        wall, user, sys_, kb = tf.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss": int(kb) * 1024, "stderr": p.stderr}


def scan_cmd(binp, snap, fmt, out, extra=()):
    # --quiet: no progress or summary; --stats only adds one line at the end
    return [binp, "scan", "--quiet", "--format", fmt, "-o", out] + list(extra) + [snap]


def jq_cmd(snap):
    if snap.endswith(".gz"):
        return ["sh", "-c", 'gzip -dc "$1" | jq "$2"', "jq", snap, JQ_PROG]
    return ["jq", JQ_PROG, snap]


def stats_parse(stderr, n):
    """Stage times and the model's size from the stderr of a `scan --stats` run."""
    line = next((l for l in stderr.splitlines() if "stats" in l), "")
    m = re.search(r"(\d+) assets", stderr)
    assets = int(m.group(1)) if m else 0  # (--quiet: no summary line; then the item count)
    model, per_asset = None, None
    m = re.search(r"model ([0-9.]+) MiB = ([0-9]+) bytes/asset", line)  # arenas + indexes, per stored asset
    if m:
        model, per_asset = float(m.group(1)) * 1048576, int(m.group(2))
    else:
        m = re.search(r"model arena ([0-9.]+) MiB", line)  # older: arenas only
        if m:
            model = float(m.group(1)) * 1048576
    if model is not None and per_asset is None:
        per_asset = model / (assets or n)
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
    old, old_name, old_tree = old_binary()
    ncpu = os.cpu_count()
    log("load average at start: %s" % open("/proc/loadavg").read().split()[:3])
    # the rule packs both sides load in the comparison runs
    if old and SAME_RULES == "old" and old_tree and os.path.isdir(os.path.join(old_tree, "rules")):
        cmp_rules = ["--no-builtin", "-r", os.path.join(old_tree, "rules")]
        cmp_what = "both with the rule packs of %s (--no-builtin -r %s/rules)" % (old_name, old_tree)
    else:
        cmp_rules = []
        cmp_what = "each with its own built-in rules"
    results = {}
    lockf = open(LOCK, "a") if LOCK else None
    for n in SIZES:
        ensure_data(n)
        rounds = rounds_for(n)
        old_in_rounds = old and (not OLD_ROUNDS_MAX or n <= OLD_ROUNDS_MAX)
        formats = [f for f in FORMATS if f == "json" or not FORMATS_MAX or n <= FORMATS_MAX]
        if old and "json" not in formats and (not old_in_rounds):
            formats = ["json"] + formats  # the old run that is timed
        for lay in LAYOUTS:
            snap = snap_path(n, lay)
            size = os.path.getsize(snap)
            tsize = text_size(snap)
            run = tempfile.mkdtemp(prefix="run-", dir=DATA)
            tools = [("new", lambda: scan_cmd(BIN, snap, "json", os.path.join(run, "new.json"), ["--stats"]))]
            if old_in_rounds:
                tools.append(("old", lambda: scan_cmd(old, snap, "json", os.path.join(run, "old-own.json"), ["--stats"])))
            if JQ_MAX and n <= JQ_MAX:
                tools.append(("jq", lambda: jq_cmd(snap)))
            with open(snap, "rb") as f:  # warm the page cache: every tool reads from memory
                while f.read(1 << 24):
                    pass
            if lockf:
                log("waiting for %s" % LOCK)
                fcntl.flock(lockf, fcntl.LOCK_EX)
            load0 = open("/proc/loadavg").read().split()[:3]
            log("%d items, %s: %d rounds of %s (load average %s)" % (n, lay, rounds, ", ".join(t for t, _ in tools),
                                                                     " ".join(load0)))
            watch = CpuWatch()
            runs = {t: [] for t, _ in tools}
            for r in range(rounds):
                for k in range(len(tools)):
                    t, cmd = tools[(r + k) % len(tools)]
                    runs[t].append(measure(cmd(), ok=(0, 1) if t != "jq" else (0,)))
            others = watch.others()
            load1 = open("/proc/loadavg").read().split()[:3]
            st_new = stats_parse(runs["new"][-1]["stderr"], n)
            st_old = stats_parse(runs["old"][-1]["stderr"], n) if "old" in runs else None
            jq_count = None
            if "jq" in runs:
                jq_count = subprocess.run(jq_cmd(snap), capture_output=True, text=True).stdout.strip()
            # the same findings, byte for byte, in every format (same rule packs on both sides)
            same = {}
            old_timed = None
            if old:
                log("%d items, %s: comparing %s with the old binary" % (n, lay, " ".join(formats)))
                for f in formats:
                    a, b = os.path.join(run, "cmp-new." + f), os.path.join(run, "cmp-old." + f)
                    measure(scan_cmd(BIN, snap, f, a, cmp_rules))
                    mo = measure(scan_cmd(old, snap, f, b, cmp_rules + (["--stats"] if f == "json" else [])))
                    if f == "json" and not old_in_rounds:
                        old_timed, st_old = mo, stats_parse(mo["stderr"], n)
                    mask = MASK_TIME + (MASK_FP if MASK_FINGERPRINTS and f in ("ocsf", "sarif") else []) \
                        + (MASK_SARIF if MASK_FINGERPRINTS and f == "sarif" else [])
                    same[f] = masked_md5(a, mask) == masked_md5(b, mask)
                    if not KEEP:
                        os.unlink(a), os.unlink(b)
            if old_timed:
                runs["old"] = [old_timed]
            if lockf:
                fcntl.flock(lockf, fcntl.LOCK_UN)
            layout_md5 = masked_md5(os.path.join(run, "new.json"), MASK_TIME + MASK_SOURCE)
            with open(os.path.join(run, "new.json"), "rb") as f:
                head = f.read(1 << 16).decode("utf-8", "replace")
            m = re.search(r'"rules": (\d+)', head)
            nrules = int(m.group(1)) if m else 0
            nfind = sum(1 for line in open(os.path.join(run, "new.json"), "rb") if line.startswith(b'    {"rule"'))
            results[(n, lay)] = dict(size=size, tsize=tsize, runs=runs, others=others, st_new=st_new,
                                     st_old=st_old, jq_count=jq_count, same=same, layout_md5=layout_md5,
                                     nrules=nrules, nfind=nfind, load=(load0, load1), cmp_what=cmp_what,
                                     old_in_rounds=bool(old_in_rounds))
            report(n, lay, results[(n, lay)], old_name, ncpu)
            if KEEP:
                log("outputs kept in %s" % run)
            else:
                shutil.rmtree(run)
    summary(results, old_name)
    checks(results)
    log("load average at end: %s" % open("/proc/loadavg").read().split()[:3])


def report(n, lay, r, old_name, ncpu):
    runs = r["runs"]
    size, tsize = r["size"], r["tsize"]
    gz = lay.endswith(".gz")
    print()
    print("== %d items, %s: %s%s" % (n, lay, fmt_mb(size), " gzip (%s of JSON)" % fmt_mb(tsize) if gz else ""))
    print("   machine: other processes used %.2f of %d cores during the rounds%s" %
          (r["others"], ncpu, "  (NOISY: timing taken on a busy machine)" if r["others"] > 0.25 else ""))
    print("   load average %s before the rounds, %s after" % (" ".join(r["load"][0]), " ".join(r["load"][1])))
    if "old" in runs and not r["old_in_rounds"]:
        print("   (old: one run, its json comparison run with the rule packs below, not in the rounds)")
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
        print("                (findings compared %s; timestamps masked%s)" % (
            r["cmp_what"], "; OCSF/SARIF fingerprints masked (recipe changed in f3f5b05)" if MASK_FINGERPRINTS else ""))
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


def checks(results):
    """What issue 13 asks the benchmark to show, each with the numbers it comes from."""
    base = SIZES[0]
    marks = []

    def mark(ok, what):
        marks.append(ok)
        print("   [%s] %s" % ("PASS" if ok else "FAIL", what))

    def wall(r, t):
        return med([x["wall"] for x in r["runs"][t]])

    def cpu(r, t):
        return med([x["cpu"] for x in r["runs"][t]])

    print()
    print("== checks (issue 13)")
    for (n, lay), r in results.items():
        runs = r["runs"]
        rss = max(x["rss"] for x in runs["new"])
        what_in = "the JSON text, %s (gzip file %s)" % (fmt_mb(r["tsize"]), fmt_mb(r["size"])) \
            if lay.endswith(".gz") else "the input, %s" % fmt_mb(r["tsize"])
        tag = "%d %s:" % (n, lay)
        if n == base and "jq" in runs:
            rr = [j["wall"] / max(x["wall"], 1e-3) for x, j in zip(runs["new"], runs["jq"])]
            ratio = wall(r, "jq") / max(wall(r, "new"), 1e-3)
            mark(ratio >= 10 and med(rr) >= 10,
                 "%s whole scan (%d rules) %.1fx faster than one jq query (medians %.2f s vs %.2f s, "
                 "median of per-round ratios %.1fx, %d alternating rounds) >= 10x" % (
                     tag, r["nrules"], ratio, wall(r, "new"), wall(r, "jq"), med(rr), len(rr)))
        mark(rss <= r["tsize"], "%s peak RSS %s <= %s" % (tag, fmt_mb(rss), what_in))
        st = r["st_new"]
        if n == base and st["model"]:
            mark(st["per_asset"] <= 1500, "%s resident model %s = %.0f bytes/asset <= 1.5 KB/asset (scan --stats)" % (
                tag, fmt_mib(st["model"]), st["per_asset"]))
        if n != base and (base, lay) in results:
            a = results[(base, lay)]
            tr = wall(r, "new") / max(wall(a, "new"), 1e-3)
            cr = cpu(r, "new") / max(cpu(a, "new"), 1e-3)
            mark(tr <= 11 * n / base / 10, "%s time %.2fx the %d-item time (median wall %.2f s vs %.2f s; CPU %.2fx: "
                 "%.2f s vs %.2f s) <= %.0fx" % (tag, tr, base, wall(r, "new"), wall(a, "new"), cr, cpu(r, "new"),
                                                cpu(a, "new"), 11 * n / base / 10))
        if r["same"]:
            mark(all(r["same"].values()), "%s same findings as the old binary, byte for byte, in %s" % (
                tag, ", ".join("%s (%s)" % (f, "same" if v else "DIFFERENT") for f, v in r["same"].items())))
    for n in SIZES:
        md5s = {lay: results[(n, lay)]["layout_md5"] for lay in LAYOUTS if (n, lay) in results}
        if len(md5s) > 1:
            mark(len(set(md5s.values())) == 1, "%d items: every layout (%s) gives the same findings (source masked)" % (
                n, ", ".join(md5s)))
    print("   %d of %d checks passed" % (sum(marks), len(marks)))


if __name__ == "__main__":
    main()
