#!/usr/bin/env python3
"""A full disk for the store (issue 10, bad input: "a full disk for the store ... is logged with its
place and refused; the process keeps running and never acknowledges what it did not commit").

The SQLite store of a running `watch --listen` lives on a small filesystem of its own: a 16 MiB tmpfs
mounted for the test (root with CAP_SYS_ADMIN), else a loop-mounted 16 MiB ext2 image, else (neither
possible, or CW_TEST_DISK_RLIMIT set) the running process's RLIMIT_FSIZE, set with prlimit(2) to the
store's file sizes, SIGXFSZ ignored: a write past the limit fails with EFBIG as a write to a full
disk fails with ENOSPC, and raising the limit again is "space is back" (the test says which it used).
Then:
  - calls are acknowledged (200) while there is room;
  - the filesystem is filled to the last byte by a filler file (or the limit is set); every
    call sent then is refused with 503 and Retry-After, none of them is in the store, the log names
    the request (http:ADDR#N) and the store's path and says the disk is full, /healthz says
    unavailable, and the process keeps running;
  - the filler is removed (the limit lifted); the same calls are sent again and acknowledged, each is in the store
    exactly once, and the open findings are those of the final state;
  - SIGTERM -> exit 0.

usage: test_watch_disk.py CLOUDWARDEN
"""
import http.client
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import watch_data as W  # noqa: E402
from watch_data import check, failures, free_port  # noqa: E402

cfg = W.cfg
CW = os.path.abspath(sys.argv[1])
NB = 10


def post(port, body):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        c.request("POST", "/events", body=body, headers={"Content-Type": "text/plain; charset=UTF-8"})
        r = c.getresponse()
        return r.status, r.getheader("Retry-After"), r.read().decode()
    except OSError as e:
        return None, None, str(e)


def healthz(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/healthz")
        r = c.getresponse()
        return r.status, json.loads(r.read())
    except (OSError, ValueError):
        return None, None


def event(i):
    b = "orders-%03d" % (i % NB)
    when = "2026-12-07T12:%02d:%02dZ" % (i // 60, i % 60)
    eid = "d15cf011-0000-4000-8000-%012d" % i
    public = (i // NB) % 2 == 0
    ct = W.put_bucket_policy(b, when, eid) if public else W.delete_bucket_policy(b, when, eid)
    return eid, cfg.compact(W.eventbridge(ct, "eb-disk-%d" % i))


def small_fs(d):
    """(mount point, how, cleanup) of a 16 MiB filesystem, or (None, reason, None)"""
    mnt = os.path.join(d, "mnt")
    os.mkdir(mnt)
    if os.geteuid() != 0:
        return None, "not root: cannot mount", None
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mnt], capture_output=True, text=True)
    if r.returncode == 0:
        return mnt, "a 16 MiB tmpfs", lambda: subprocess.run(["umount", "-l", mnt], capture_output=True)
    why = r.stderr.strip()
    img = os.path.join(d, "fs.img")
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    mk = subprocess.run(["mkfs.ext2", "-q", "-F", img], capture_output=True, text=True)
    if mk.returncode == 0:
        r = subprocess.run(["mount", "-o", "loop", img, mnt], capture_output=True, text=True)
        if r.returncode == 0:
            return mnt, "a loop-mounted 16 MiB ext2 image", lambda: subprocess.run(["umount", "-l", mnt],
                                                                                 capture_output=True)
        why += "; loop mount: " + r.stderr.strip()
    return None, "cannot mount a small filesystem (%s)" % why, None


def fill(path):
    """write until the filesystem refuses (ENOSPC); the bytes written"""
    n = 0
    with open(path, "wb", buffering=0) as f:
        for size in (1 << 20, 64 << 10, 4096, 512, 1):
            block = b"\0" * size
            while True:
                try:
                    f.write(block)
                    n += size
                except OSError:
                    break
    return n


def main():
    with tempfile.TemporaryDirectory(prefix="cw-watch-disk-") as d:
        if os.environ.get("CW_TEST_DISK_RLIMIT"):
            mnt, how, cleanup = None, "CW_TEST_DISK_RLIMIT set", None
        else:
            mnt, how, cleanup = small_fs(d)
        if mnt:
            db = os.path.join(mnt, "store.db")
        else:
            print("%s: using RLIMIT_FSIZE instead" % how)
            db = os.path.join(d, "store.db")
            how = "RLIMIT_FSIZE with SIGXFSZ ignored"
        try:
            run_case(d, db, how, mnt)
        finally:
            if cleanup:
                cleanup()
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("ok")


def run_case(d, db, how, mnt):
    rules = os.path.join(d, "pack.yaml")
    with open(rules, "w") as f:
        f.write("- rule: test-s3-public-read\n  title: S3 bucket objects readable by anyone\n"
                "  resource: AWS::S3::Bucket\n  severity: critical\n  category: public-access\n"
                "  condition: s3.public.read\n  evidence: \"{s3.public.read_reason}\"\n")
    base = os.path.join(d, "baseline.json")
    with open(base, "w") as f:
        f.write(cfg.compact({"configurationItems": [cfg.bucket("orders-%03d" % i, "2026-12-01T00:00:00.000Z")
                                                    for i in range(NB)]}))
    port = free_port()
    logp = os.path.join(d, "watch.log")
    log = open(logp, "w")
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # kept across exec: a write past the limit fails (EFBIG)
    w = subprocess.Popen([CW, "watch", "--db", db, "--listen", "127.0.0.1:%d" % port, "--baseline", base,
                          "--no-builtin", "-r", rules, "--alerts", os.path.join(d, "alerts.ndjson")],
                         stderr=log, stdout=subprocess.DEVNULL, preexec_fn=pre)
    t = time.time()
    while time.time() - t < 30 and w.poll() is None and healthz(port)[0] != 200:
        time.sleep(0.1)
    events = [event(i) for i in range(60)]
    # 1. room: acknowledged
    ok_before = [post(port, body)[0] for _, body in events[:20]]
    check(all(s == 200 for s in ok_before), "with room on the disk every call acknowledged (%s)" % ok_before)
    # 2. the disk fills up
    filler = os.path.join(mnt, "filler") if mnt else None
    if filler:
        filled = fill(filler)
    else:
        # no file may grow past the WAL's size now: the next frame appended to it fails (a commit
        # appends its pages to the WAL; SQLite reuses it only after a checkpoint at 1000 pages)
        filled = os.path.getsize(db + "-wal")
        resource.prlimit(w.pid, resource.RLIMIT_FSIZE, (filled, resource.RLIM_INFINITY))
    refused, statuses, retry = [], [], set()
    for eid, body in events[20:]:
        st, ra, text = post(port, body)
        statuses.append(st)
        if st == 503:
            refused.append((eid, body))
            retry.add(ra)
        if len(refused) >= 8:
            break
    acked_full = [events[20 + i][0] for i, s in enumerate(statuses) if s == 200]
    check(len(refused) >= 8, "with the disk full calls are refused with 503 (%d of %d sent: %s)"
          % (len(refused), len(statuses), sorted(set(statuses), key=str)))
    check(len(acked_full) <= 2, "at most what fitted in the store's last free pages was acknowledged (%d)"
          % len(acked_full))
    check(None not in retry and retry, "the 503s carry Retry-After (%s)" % retry)
    check(w.poll() is None, "the process keeps running with the disk full")
    hs, h = healthz(port)
    check(hs == 503 and h and h.get("status") == "unavailable", "/healthz says unavailable (%s)" % hs)
    log.flush()
    text = open(logp).read()
    full_lines = [x for x in text.splitlines() if "the store failed" in x]
    # a full filesystem: SQLite says "database or disk is full"; past RLIMIT_FSIZE (EFBIG) it says
    # "disk I/O error"
    word = "full" if mnt else "I/O error"
    check(full_lines and all("http:127.0.0.1:" in x and db in x and word in x for x in full_lines),
          "each refusal logged with the request's place, the store's path and '%s' (%s)"
          % (word, full_lines[:1] or "none"))
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    have = set(r[0] for r in con.execute("SELECT event_id FROM cw_events"))
    con.close()
    check(not [e for e, _ in refused if "cloudtrail:" + e in have], "no refused call is in the store")
    check(all("cloudtrail:" + e in have for e in acked_full), "what was acknowledged is in the store")
    # 3. room again: the same calls go through
    if filler:
        os.unlink(filler)
    else:
        resource.prlimit(w.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    again = [post(port, body)[0] for _, body in events[20:]]
    check(all(s == 200 for s in again), "with room again every call acknowledged (%s)" % sorted(set(again), key=str))
    hs, h = healthz(port)
    check(hs == 200, "/healthz ok again (%s)" % hs)
    w.send_signal(signal.SIGTERM)
    check(w.wait(timeout=20) == 0, "SIGTERM -> exit 0")
    log.close()
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT event_id FROM cw_events WHERE kind = 'cloudtrail'")]
    con.close()
    check(all(ids.count("cloudtrail:" + e) == 1 for e, _ in events), "every call in the store exactly once "
          "(%d rows, %d distinct, %d sent)" % (len(ids), len(set(ids)), len(events)))
    last = {}
    for i in range(len(events)):
        last[i % NB] = (i // NB) % 2 == 0
    f = json.loads(subprocess.run([CW, "findings", "--db", db, "--status", "open", "--format", "json",
                                   "--no-builtin", "-r", rules], capture_output=True, text=True).stdout)
    opens = sum(1 for v in last.values() if v)
    check(len(f["findings"]) == opens, "open findings = the buckets whose last call made them public (%d, %d)"
          % (len(f["findings"]), opens))
    print("disk full test (%s): %d calls acknowledged with room, %s %d bytes, %d refused with the disk full "
          "(%d acknowledged then), %d sent again and acknowledged; %d store rows for %d calls"
          % (how, len(ok_before), "filler" if filler else "size limit", filled, len(refused), len(acked_full),
             len(again), len(ids), len(events)))
    if failures:
        print(open(logp).read()[-12000:])


main()
