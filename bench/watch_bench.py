#!/usr/bin/env python3
"""watch latency and throughput (issue 10): not a timed test, a measurement. Run it under the
bench lock (flock /work/bench.lock python3 bench/watch_bench.py build/cloudwarden ...).

Over a baseline of N assets (bench/gen_aws_snapshot.py, compact as AWS delivers snapshots; or
--snapshot FILE made by it), `cloudwarden watch --listen` receives CloudTrail calls as
EventBridge API destinations deliver them ("AWS API Call via CloudTrail", one compact event per
POST), that open and close exposures, each target in turn:
  - PutBucketPolicy (public read) / DeleteBucketPolicy and PutBucketAcl public-read / private on
    buckets where neither the bucket's nor the account's Block Public Access neutralises it;
  - AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress 0.0.0.0/0 on the port of a
    publicly accessible RDS instance, on the instance's group;
  - ModifyDBInstance publiclyAccessible true / false on instances whose groups are open.
The targets are read from the snapshot by a child process (json), the bodies made before the
clock starts. The client is one Python thread driving CONNS keep-alive connections (selectors),
as SNS/EventBridge deliver concurrently; it tails the --alerts file in the same loop. Measured:
  - paced: RATE events/s for SECONDS s: per event that alerts, from the moment its request was
    written to the socket (its arrival) to its alert line in the --alerts file: p50, p99, max
    (and the same from its scheduled time, which adds the client's queueing when all
    connections were busy);
  - flood: FLOOD events (at most FLOOD_SECONDS of them) pushed as fast as watch acknowledges
    them over CONNS connections:
    events/s acknowledged (HTTP 200 = committed), and when their alerts were all written;
  - one full `scan` of the same snapshot (wall, peak RSS), for the ratio;
  - watch's start time, peak RSS, and the store's size per 1,000 assets.

usage: watch_bench.py CLOUDWARDEN [--items N | --snapshot FILE] [--rate R] [--seconds S]
                      [--flood N] [--conns C] [--dir DIR] [--json OUT]
"""
import argparse
import collections
import json
import os
import re
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "watch"))
import watch_data as W  # noqa: E402

BLOCK_KEYS = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---- targets (in a child process: the parsed snapshot is large) -----------------------------------
def flags(c):
    c = c if isinstance(c, dict) else {}
    return {k.lower(): bool(c.get(k) or c.get(k[0].upper() + k[1:])) for k in BLOCK_KEYS}


def extract(snap, out, limit):
    with open(snap, encoding="utf-8") as f:
        items = json.load(f)["configurationItems"]
    acct_block, sgs, dbs, buckets = {}, {}, [], []
    for it in items:
        t = it.get("resourceType")
        acct = it.get("awsAccountId") or it.get("accountId")
        if t == "AWS::S3::AccountPublicAccessBlock":
            acct_block[acct] = flags(it.get("configuration"))
        elif t == "AWS::EC2::SecurityGroup":
            sgs[it["resourceId"]] = it
    for it in items:
        t = it.get("resourceType")
        acct = it.get("awsAccountId") or it.get("accountId")
        if t == "AWS::S3::Bucket":
            supp = it.get("supplementaryConfiguration") or {}
            b, a = flags(supp.get("PublicAccessBlockConfiguration")), acct_block.get(acct, flags({}))
            pol = not any(x["blockpublicpolicy"] or x["restrictpublicbuckets"] for x in (a, b))
            acl = not any(x["blockpublicacls"] or x["ignorepublicacls"] for x in (a, b))
            if pol or acl:
                buckets.append({"account": acct, "region": it.get("awsRegion"), "bucket": it["resourceId"],
                                "policy": pol, "acl": acl})
        elif t == "AWS::RDS::DBInstance":
            c = it.get("configuration") or {}
            groups = [g.get("vpcSecurityGroupId") for g in c.get("vpcSecurityGroups") or []]
            groups = [g for g in groups if g in sgs]
            port = (c.get("endpoint") or {}).get("port") or 5432
            if groups and c.get("dBInstanceIdentifier"):
                dbs.append({"account": acct, "region": it.get("awsRegion"), "name": c["dBInstanceIdentifier"],
                            "dbi": it["resourceId"], "group": groups[0], "port": port,
                            "public": bool(c.get("publiclyAccessible"))})
    with open(out, "w") as f:
        json.dump({"items": len(items), "buckets": buckets[:limit], "dbs": dbs[:limit]}, f)


# ---- the events ---------------------------------------------------------------------------------
def ct_event(kind, tgt, on, when, eid):
    acct, region = tgt["account"], tgt["region"] or "us-east-1"
    if kind == "policy":
        ev = W.put_bucket_policy(tgt["bucket"], when, eid) if on else W.delete_bucket_policy(tgt["bucket"], when, eid)
    elif kind == "acl":
        ev = W.put_bucket_acl(tgt["bucket"], when, eid, "public-read" if on else "private")
    elif kind == "sg":
        ev = W.sg_ingress(tgt["group"], when, eid, "0.0.0.0/0", authorize=on)
        p = ev["requestParameters"]["ipPermissions"]["items"][0]
        p["fromPort"] = p["toPort"] = tgt["port"]
    else:
        ev = W.cloudtrail("rds.amazonaws.com", "ModifyDBInstance", when, eid,
                          {"dBInstanceIdentifier": tgt["name"], "publiclyAccessible": on, "applyImmediately": True},
                          response={"dBInstanceIdentifier": tgt["name"], "publiclyAccessible": on,
                                    "dbiResourceId": tgt["dbi"], "dBInstanceStatus": "available"})
    ev["recipientAccountId"] = ev["userIdentity"]["accountId"] = acct
    ev["awsRegion"] = region
    env = W.eventbridge(ev, "eb-" + eid)
    env["account"], env["region"] = acct, region
    return env


class Events:
    """Event i: a target of the mix, opened on even rounds, closed on odd ones."""
    MIX = [("policy", 4), ("acl", 3), ("sg", 2), ("db", 1)]

    def __init__(self, t):
        self.lists = {"policy": [b for b in t["buckets"] if b["policy"]], "acl": [b for b in t["buckets"] if b["acl"]],
                      "sg": [d for d in t["dbs"] if d["public"]], "db": t["dbs"]}
        self.cycle = [k for k, w in self.MIX if self.lists[k] for _ in range(w)]
        self.count = collections.Counter()

    def make(self, i):
        kind = self.cycle[i % len(self.cycle)]
        lst = self.lists[kind]
        j = self.count[kind]
        self.count[kind] += 1
        tgt, rnd = lst[j % len(lst)], j // len(lst)
        when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1796000000 + i)) + "Z"
        eid = "bench-%09d" % i
        body = W.cfg.compact(ct_event(kind, tgt, rnd % 2 == 0, when, eid)).encode()
        head = ("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                "Content-Length: %d\r\n\r\n" % len(body)).encode()
        return "cloudtrail:" + eid, head + body


# ---- the client -----------------------------------------------------------------------------------
class Tail:
    EID = re.compile(rb'"event_id":"([^"]+)"')

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)
        self.buf = b""
        self.seen = {}
        self.lines = 0

    def poll(self):
        while True:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                break
            self.buf += chunk
        if b"\n" not in self.buf:
            return
        now = time.perf_counter()
        *lines, self.buf = self.buf.split(b"\n")
        for ln in lines:
            m = self.EID.search(ln)
            if m:
                self.lines += 1
                self.seen.setdefault(m.group(1).decode(), now)


class Client:
    def __init__(self, port, conns, tail):
        self.sel = selectors.DefaultSelector()
        self.idle, self.tail = [], tail
        for _ in range(conns):
            s = socket.create_connection(("127.0.0.1", port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(False)
            c = {"s": s, "buf": b"", "eid": None}
            self.sel.register(s, selectors.EVENT_READ, c)
            self.idle.append(c)
        self.statuses = collections.Counter()
        self.acked = 0

    def send(self, eid, req):
        c = self.idle.pop()
        c["eid"] = eid
        c["s"].setblocking(True)
        c["s"].sendall(req)
        c["s"].setblocking(False)
        return time.perf_counter()

    def poll(self, timeout):
        for key, _ in self.sel.select(timeout):
            c = key.data
            data = c["s"].recv(65536)
            if not data:
                raise RuntimeError("watch closed a connection")
            c["buf"] += data
            h = c["buf"].find(b"\r\n\r\n")
            if h < 0:
                continue
            m = re.search(rb"(?i)content-length: *(\d+)", c["buf"][:h])
            n = int(m.group(1)) if m else 0
            if len(c["buf"]) < h + 4 + n:
                continue
            status = int(c["buf"][9:12])
            c["buf"] = c["buf"][h + 4 + n:]
            self.statuses[status] += 1
            self.acked += status == 200
            c["eid"] = None
            self.idle.append(c)

    def close(self):
        for key in list(self.sel.get_map().values()):
            key.data["s"].close()


def paced(cl, reqs, rate, tail, limit_s):
    sent, due = {}, {}
    q = collections.deque()
    n, i = len(reqs), 0
    t0 = time.perf_counter() + 0.05
    late = 0
    while i < n or q or len(cl.idle) < len(cl.sel.get_map()):
        now = time.perf_counter()
        if now - t0 > limit_s and (i < n or q):  # watch cannot keep up: stop offering, count what was sent
            n, i = i, i
            q.clear()
        while i < n and t0 + i / rate <= now:
            q.append(i)
            i += 1
        while q and cl.idle:
            k = q.popleft()
            eid, req = reqs[k]
            due[eid] = t0 + k / rate
            sent[eid] = cl.send(eid, req)
            if sent[eid] - due[eid] > 0.005:
                late += 1
        nxt = t0 + i / rate - time.perf_counter() if i < n else 0.0005
        cl.poll(max(0.0, min(nxt, 0.0005)))
        tail.poll()
    return sent, due, late, time.perf_counter() - t0


def flood(cl, reqs, tail, limit_s):
    t0 = time.perf_counter()
    i = 0
    while i < len(reqs) or len(cl.idle) < len(cl.sel.get_map()):
        if i < len(reqs) and time.perf_counter() - t0 > limit_s:
            reqs = reqs[:i]  # what was sent is what counts
        while i < len(reqs) and cl.idle:
            eid, req = reqs[i]
            cl.send(eid, req)
            i += 1
        cl.poll(0.01)
    t = time.perf_counter() - t0
    tail.poll()
    return t, reqs


def run_timed(cmd):
    """wall s, peak RSS MiB of a command (GNU time)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
        rss = int(open(tf.name).read().split()[-1]) / 1024
    return wall, rss, p


def main(a, d):
    cw = os.path.abspath(a.cloudwarden)
    snap = a.snapshot or os.path.join(d, "snap-%d.json" % a.items)
    if not os.path.exists(snap):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_aws_snapshot.py"), "--items", str(a.items), "--seed",
                        "7", "--compact", "-o", snap], check=True)
    tj = os.path.join(d, "targets.json")
    subprocess.run([sys.executable, os.path.abspath(__file__), "--extract", snap, tj, str(a.targets)], check=True)
    t = json.load(open(tj))
    items = t["items"]
    ev = Events(t)
    print("baseline %s: %d assets; targets: %d buckets (policy %d, acl %d), %d RDS instances (%d public)" % (
        snap, items, len(t["buckets"]), len(ev.lists["policy"]), len(ev.lists["acl"]), len(t["dbs"]),
        len(ev.lists["sg"])), flush=True)
    npaced = a.rate * a.seconds
    reqs = [ev.make(i) for i in range(npaced + a.flood)]
    res = {"assets": items, "rate": a.rate, "seconds": a.seconds, "conns": a.conns, "mix": dict(ev.count)}

    wall, rss, p = run_timed([cw, "scan", "--format", "json", "-o", os.devnull, snap])
    res["scan_s"], res["scan_rss_mib"] = wall, rss
    print("scan of the baseline: %.2f s, peak RSS %.0f MiB (rc %d)" % (wall, rss, p.returncode), flush=True)

    db = os.path.join(d, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    alerts = os.path.join(d, "alerts.ndjson")
    open(alerts, "w").close()
    port = free_port()
    t0 = time.perf_counter()
    log = open(os.path.join(d, "watch.log"), "w")
    w = subprocess.Popen([cw, "watch", "--db", db, "--baseline", snap, "--listen", "127.0.0.1:%d" % port,
                          "--alerts", alerts, "-q"] + a.watch_arg, stderr=log)
    import http.client
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
    res["start_s"] = time.perf_counter() - t0
    size0 = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    print("watch ready (baseline loaded, evaluated, findings recorded): %.1f s; store %.1f MB" % (
        res["start_s"], size0 / 1e6), flush=True)

    perf = None
    if a.perf:  # profile watch from here to the end of the flood
        perf = subprocess.Popen(["perf", "record", "-g", "-F", "499", "-o", a.perf, "-p", str(w.pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    tail = Tail(alerts)
    tail.poll()
    base_lines = tail.lines
    cl = Client(port, a.conns, tail)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    sent, due, late, paced_s = paced(cl, reqs[:npaced], a.rate, tail, 1.5 * a.seconds)
    if len(sent) < npaced:
        print("paced: watch did not keep up; stopped offering after %.0f s with %d of %d events sent" % (
            1.5 * a.seconds, len(sent), npaced), flush=True)
        npaced = len(sent)
    t_end = time.perf_counter()
    quiet = time.perf_counter()
    while time.perf_counter() - t_end < 30 and time.perf_counter() - quiet < 1:  # until no alert line for 1 s
        n0 = tail.lines
        tail.poll()
        if tail.lines != n0:
            quiet = time.perf_counter()
        time.sleep(0.001)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    lat = [(tail.seen[e] - sent[e]) * 1000 for e in sent if e in tail.seen]
    lat_due = [(tail.seen[e] - due[e]) * 1000 for e in sent if e in tail.seen]
    res.update({"paced_events": npaced, "paced_s": paced_s, "paced_acked": cl.acked, "statuses": dict(cl.statuses),
                "late_5ms": late, "alerted": len(lat), "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99),
                "max_ms": max(lat) if lat else None, "sched_p50_ms": pct(lat_due, 50), "sched_p99_ms": pct(lat_due, 99),
                "sched_max_ms": max(lat_due) if lat_due else None,
                "client_cpu_s": cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime})
    print("paced: %d events in %.1f s (%.0f/s offered %d/s over %d connections; %d sent > 5 ms after their time), "
          "%d acknowledged, %d alerted; event arrival -> alert line p50 %.2f ms, p99 %.2f ms, max %.2f ms "
          "(from the scheduled time: p50 %.2f, p99 %.2f, max %.2f); client CPU %.1f s" % (
              npaced, paced_s, npaced / paced_s, a.rate, a.conns, late, cl.acked, len(lat), res["p50_ms"],
              res["p99_ms"], res["max_ms"] or 0, res["sched_p50_ms"], res["sched_p99_ms"], res["sched_max_ms"] or 0,
              res["client_cpu_s"]), flush=True)

    acked0 = cl.acked
    lines0 = tail.lines
    fl = reqs[a.rate * a.seconds:]
    flood_s, fl = flood(cl, fl, tail, a.flood_seconds)
    acked = cl.acked - acked0
    t_end = time.perf_counter()
    quiet = time.perf_counter()
    while time.perf_counter() - t_end < 60 and time.perf_counter() - quiet < 2:  # until no alert line for 2 s
        n0 = tail.lines
        tail.poll()
        if tail.lines != n0:
            quiet = time.perf_counter()
        time.sleep(0.002)
    alerted = sum(1 for e, _ in fl if e in tail.seen)
    last_alert = max((tail.seen[e] for e, _ in fl if e in tail.seen), default=t_end)
    res.update({"flood_events": len(fl), "flood_acked": acked, "flood_s": flood_s, "flood_eps": acked / flood_s,
                "flood_alerted": alerted, "flood_alert_lines": tail.lines - lines0,
                "flood_alerts_done_s": last_alert - (t_end - flood_s)})
    print("flood: %d events acknowledged in %.2f s over %d connections: %.0f events/s; %d of them alerted, the last "
          "alert line %.2f s after the first event" % (acked, flood_s, a.conns, acked / flood_s, alerted,
                                                       res["flood_alerts_done_s"]), flush=True)
    cl.close()
    if perf:
        perf.send_signal(2)
        perf.wait()
    with open("/proc/%d/status" % w.pid) as f:  # peak RSS so far (VmHWM), before it exits
        res["watch_rss_mib"] = int(re.search(r"VmHWM:\s*(\d+)", f.read()).group(1)) / 1024
    w.terminate()
    res["watch_rc"] = w.wait()
    log.close()
    size = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    res["store_mb"], res["store_kb_per_1000_assets"] = size / 1e6, size / 1024 / (items / 1000)
    res["store_start_kb_per_1000_assets"] = size0 / 1024 / (items / 1000)
    res["alert_lines"] = tail.lines - base_lines
    print("watch peak RSS %.0f MiB; store %.1f MB at start (%.0f KB per 1,000 assets), %.1f MB after %d events "
          "(%.0f KB per 1,000 assets)" % (res["watch_rss_mib"], size0 / 1e6, res["store_start_kb_per_1000_assets"],
                                          size / 1e6, npaced + len(fl), res["store_kb_per_1000_assets"]))
    print("ratio: one full scan %.2f s vs p50 %.2f ms from arrival to alert: %.0fx" % (
        res["scan_s"], res["p50_ms"], res["scan_s"] * 1000 / max(res["p50_ms"], 1e-3)))
    print("targets: p99 %.2f ms at %d ev/s (< 20 ms: %s); flood %.0f ev/s (>= 10,000: %s)" % (
        res["p99_ms"], a.rate, "PASS" if res["p99_ms"] < 20 else "FAIL", res["flood_eps"],
        "PASS" if res["flood_eps"] >= 10000 else "FAIL"))
    with open(os.path.join(d, "watch.log")) as f:
        errs = [x for x in f if "error" in x.lower()][:5]
    if errs:
        print("watch log errors:\n" + "".join(errs))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--extract":
        extract(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        sys.exit(0)
    ap = argparse.ArgumentParser()
    ap.add_argument("cloudwarden")
    ap.add_argument("--items", type=int, default=200000)
    ap.add_argument("--snapshot", help="a compact snapshot made by gen_aws_snapshot.py (default: generate --items)")
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--flood", type=int, default=60000)
    ap.add_argument("--flood-seconds", type=float, default=30, help="stop sending flood events after this long")
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--targets", type=int, default=20000, help="at most this many buckets and RDS instances")
    ap.add_argument("--watch-arg", action="append", default=[], help="an extra argument for watch (repeatable)")
    ap.add_argument("--dir", default=None, help="work directory (default: a temporary one)")
    ap.add_argument("--json", help="write the numbers as JSON here")
    ap.add_argument("--perf", help="perf record -g watch during the paced and flood phases into this file")
    a = ap.parse_args()
    if a.dir:
        os.makedirs(a.dir, exist_ok=True)
        main(a, a.dir)
    else:
        with tempfile.TemporaryDirectory(prefix="cw-watch-bench-") as d:
            main(a, d)
