#!/usr/bin/env python3
"""watch latency and throughput (issue 10): not a timed test, a measurement.

Over a baseline of N assets (bench/gen_aws_snapshot.py, compact as AWS delivers snapshots),
`cloudwarden watch --listen` receives CloudTrail calls through EventBridge envelopes that open and
close exposures (a public bucket policy put, then deleted, on buckets of accounts whose S3 block
does not neutralise it). Measured:
  - paced: RATE events/s for SECONDS s; per event that alerts, the time from sending it to its
    alert line appearing in the --alerts file (p50, p99, max);
  - flood: events pushed as fast as watch acknowledges them (CONNS connections), events/s;
  - the time of one full `scan` of the same baseline, for the ratio;
  - watch's peak RSS, the store's size per 1,000 assets.

usage: watch_bench.py CLOUDWARDEN [--items N] [--rate R] [--seconds S] [--flood N] [--conns C]
"""
import argparse
import http.client
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "watch"))
import watch_data as W  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("cloudwarden")
ap.add_argument("--items", type=int, default=200000)
ap.add_argument("--rate", type=int, default=1000)
ap.add_argument("--seconds", type=int, default=60)
ap.add_argument("--flood", type=int, default=20000)
ap.add_argument("--conns", type=int, default=8)
ap.add_argument("--dir", default=None, help="work directory (default: a temporary one)")
a = ap.parse_args()
CW = os.path.abspath(a.cloudwarden)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main(d):
    snap = os.path.join(d, "snap-%d.json" % a.items)
    if not os.path.exists(snap):
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "gen_aws_snapshot.py"), "--items",
                        str(a.items), "--seed", "7", "--compact", "-o", snap], check=True)
    text = open(snap, encoding="utf-8").read()
    # buckets of accounts whose account-level block is off (a public policy exposes them)
    blocked = set(m.group(1) for m in re.finditer(
        r'"resourceType":"AWS::S3::AccountPublicAccessBlock","resourceId":"(\d+)"[^{}]*"configuration":'
        r'\{"blockPublicAcls":true,"ignorePublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true', text))
    buckets = []
    for m in re.finditer(r'"(?:awsAccountId|accountId)":"(\d+)"[^{}]{0,400}?"resourceType":"AWS::S3::Bucket",'
                         r'"resourceId":"([^"]+)"', text):
        if m.group(1) not in blocked:
            buckets.append((m.group(1), m.group(2)))
    del text
    if len(buckets) < 100:
        sys.exit("too few exposable buckets found (%d)" % len(buckets))
    buckets = buckets[:5000]
    print("baseline %s: %d items, %d buckets used for changes" % (snap, a.items, len(buckets)), flush=True)
    # one full scan of the same state
    t = time.time()
    subprocess.run([CW, "scan", "--format", "json", "-o", os.devnull, snap], check=False)
    scan_s = time.time() - t
    print("scan of the baseline: %.2f s" % scan_s, flush=True)

    db = os.path.join(d, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    alerts = os.path.join(d, "alerts.ndjson")
    open(alerts, "w").close()
    port = free_port()
    t = time.time()
    w = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", os.path.join(d, "rss"), CW, "watch", "--db", db,
                          "--baseline", snap, "--listen", "127.0.0.1:%d" % port, "--alerts", alerts, "-q"],
                         stderr=open(os.path.join(d, "watch.log"), "w"))
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
        if w.poll() is not None:
            sys.exit("watch exited: see %s/watch.log" % d)
    start_s = time.time() - t
    print("watch ready (baseline loaded, evaluated, findings recorded): %.1f s" % start_s, flush=True)

    seen = {}
    stop = threading.Event()

    def tail():
        with open(alerts) as f:
            buf = ""
            while not stop.is_set():
                chunk = f.readline()
                if not chunk:
                    time.sleep(0.0005)
                    continue
                buf += chunk
                if not buf.endswith("\n"):
                    continue
                now = time.time()
                try:
                    eid = json.loads(buf)["change"]["event_id"]
                    seen.setdefault(eid, now)
                except ValueError:
                    pass
                buf = ""
    th = threading.Thread(target=tail, daemon=True)
    th.start()

    counter = [0]

    def make(i):
        acct, b = buckets[i % len(buckets)]
        rnd = i // len(buckets)
        when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1796000000 + i)) + "Z"
        eid = "bench-%012d" % i
        ct = W.put_bucket_policy(b, when, eid) if rnd % 2 == 0 else W.delete_bucket_policy(b, when, eid)
        ct["recipientAccountId"] = ct["userIdentity"]["accountId"] = acct
        return "cloudtrail:" + eid, W.cfg.compact(W.eventbridge(ct, "eb-%d" % i)).encode()

    # paced
    sent = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = a.rate * a.seconds
    t0 = time.time()
    late = 0
    for i in range(n):
        due = t0 + i / a.rate
        now = time.time()
        if due > now:
            time.sleep(due - now)
        elif now - due > 0.05:
            late += 1
        eid, body = make(i)
        sent[eid] = time.time()
        conn.request("POST", "/events", body=body)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            print("status", r.status)
    paced_s = time.time() - t0
    time.sleep(1.0)
    lat = [(seen[e] - sent[e]) * 1000 for e in sent if e in seen]
    print("paced: %d events in %.1f s (%.0f/s offered %d/s; %d sent more than 50 ms late), %d alerted;"
          " event -> alert line p50 %.2f ms, p99 %.2f ms, max %.2f ms"
          % (n, paced_s, n / paced_s, a.rate, late, len(lat), pct(lat, 50), pct(lat, 99), max(lat) if lat else 0),
          flush=True)
    counter[0] = n

    # flood
    base = n
    nf = a.flood
    per = nf // a.conns
    done = [0]
    lock = threading.Lock()

    def flood(k):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for j in range(per):
            eid, body = make(base + k * per + j)
            c.request("POST", "/events", body=body)
            r = c.getresponse()
            r.read()
            with lock:
                done[0] += r.status == 200
    t0 = time.time()
    ths = [threading.Thread(target=flood, args=(k,)) for k in range(a.conns)]
    for x in ths:
        x.start()
    for x in ths:
        x.join()
    flood_s = time.time() - t0
    print("flood: %d events acknowledged in %.1f s over %d connections: %.0f events/s"
          % (done[0], flood_s, a.conns, done[0] / flood_s), flush=True)
    w.terminate()
    w.wait()
    stop.set()
    rss = int(open(os.path.join(d, "rss")).read().split()[-1])
    size = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    print("watch peak RSS %.0f MB; store %.1f MB after %d events = %.0f KB per 1,000 assets"
          % (rss / 1024, size / 1e6, n + nf, size / 1024 / (a.items / 1000)))
    print("ratio: one full scan %.2f s vs p50 %.2f ms per change: %.0fx" % (scan_s, pct(lat, 50),
                                                                           scan_s * 1000 / max(pct(lat, 50), 1e-3)))


if a.dir:
    os.makedirs(a.dir, exist_ok=True)
    main(a.dir)
else:
    with tempfile.TemporaryDirectory(prefix="cw-watch-bench-") as d:
        main(d)
