#!/usr/bin/env python3
"""Nothing lost (issue 10): `watch --listen` killed with SIGKILL in the middle of an HTTP stream,
restarted on the same store; the sender resends what was not acknowledged (as SNS and
EventBridge do) and, to show de-duplication, everything it sent before. Then:
  - every acknowledged event is in the store exactly once (and every event sent is there);
  - every alert in the store reached the webhook receiver (a loopback http.server of this test)
    at least once; the receiver failed (HTTP 500) for the first seconds and got everything
    after it recovered, across the restart;
  - the findings are those of the final state (the last call on each bucket wins).

usage: test_watch_kill.py CLOUDWARDEN [STORE]   (STORE: a postgresql:// URI; default a new SQLite file)
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import watch_data as W  # noqa: E402
from watch_data import check, failures, free_port  # noqa: E402

cfg = W.cfg
CW = os.path.abspath(sys.argv[1])
STORE = sys.argv[2] if len(sys.argv) > 2 else None
NB = 60          # buckets
NEV = 330        # events: each bucket made public and private in turn (the last round half done)
KILL_AFTER = 120  # acknowledged events before the SIGKILL


RECEIVER = W.RECEIVER


def start_watch(db, port, hook, base, log):
    args = [CW, "watch", "--db", db, "--listen", "127.0.0.1:%d" % port, "--webhook", hook,
            "--retry-base-ms", "200", "--retry-max-ms", "1000", "--no-builtin", "-r", rules_pack]
    if base:
        args += ["--baseline", base]
    p = subprocess.Popen(args, stderr=log, stdout=subprocess.DEVNULL, env=dict(os.environ))
    t = time.time()
    while time.time() - t < 30:
        if p.poll() is not None:
            return p
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return p
        except OSError:
            pass
        time.sleep(0.1)
    return p


def post(port, body):
    """HTTP status, or None when the connection failed (not acknowledged)."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", "/events", body=body, headers={"Content-Type": "text/plain; charset=UTF-8"})
        r = c.getresponse()
        r.read()
        return r.status
    except OSError:
        return None


def event(i):
    b = "orders-%03d" % (i % NB)
    when = "2026-12-07T12:%02d:%02dZ" % (i // 60, i % 60)
    eid = "9c0ffee0-0000-4000-8000-%012d" % i
    public = (i // NB) % 2 == 0
    ct = W.put_bucket_policy(b, when, eid) if public else W.delete_bucket_policy(b, when, eid)
    return eid, cfg.compact(W.eventbridge(ct, "eb-%d" % i))


rules_pack = None


def main():
    global rules_pack
    with tempfile.TemporaryDirectory(prefix="cw-watch-kill-") as d:
        t_start = time.time()
        fail = os.path.join(d, "fail")
        rlog = os.path.join(d, "received.ndjson")
        open(fail, "w").close()  # the webhook is down at first
        rec = subprocess.Popen([sys.executable, "-c", RECEIVER, fail, rlog], stdout=subprocess.PIPE, text=True)
        hook = "http://127.0.0.1:%s/hook" % rec.stdout.readline().strip()
        # only the exposure rule: the test is about delivery, not about the rule set
        rules_pack = os.path.join(d, "pack.yaml")
        with open(rules_pack, "w") as f:
            f.write("- rule: test-s3-public-read\n  title: S3 bucket objects readable by anyone\n"
                    "  resource: AWS::S3::Bucket\n  severity: critical\n  category: public-access\n"
                    "  condition: s3.public.read\n  evidence: \"{s3.public.read_reason}\"\n")
        base = os.path.join(d, "baseline.json")
        with open(base, "w") as f:
            f.write(cfg.compact({"configurationItems": [cfg.bucket("orders-%03d" % i, "2026-12-01T00:00:00.000Z")
                                                        for i in range(NB)]}))
        db = STORE or os.path.join(d, "kill.db")
        port = free_port()
        log = open(os.path.join(d, "watch.log"), "w+")
        w = start_watch(db, port, hook, base, log)
        events = [event(i) for i in range(NEV)]
        acked = set()
        sent = 0
        lock = threading.Lock()

        def sender(lo, hi):
            nonlocal sent
            for i in range(lo, hi):
                st = post(port, events[i][1])
                with lock:
                    sent += 1
                    if st == 200:
                        acked.add(events[i][0])
        # two concurrent senders until the kill
        ths = [threading.Thread(target=sender, args=(k * NEV // 2, (k + 1) * NEV // 2)) for k in range(2)]
        for t in ths:
            t.start()
        while len(acked) < KILL_AFTER and any(t.is_alive() for t in ths):
            time.sleep(0.005)
        w.send_signal(signal.SIGKILL)  # in the middle of the stream
        w.wait()
        for t in ths:
            t.join()
        acked_before = set(acked)
        check(KILL_AFTER <= len(acked_before) < NEV, "killed mid-stream (%d of %d acknowledged)"
              % (len(acked_before), NEV))
        # restart: the same store, no baseline (its state comes from the store)
        w = start_watch(db, port, hook, None, log)
        check(w.poll() is None, "restarted")
        # the sender sends everything again: what was not acknowledged, and what was (duplicates)
        threading.Timer(1.5, lambda: os.path.exists(fail) and os.unlink(fail)).start()  # the webhook recovers
        statuses = {}
        for eid, body in events:
            statuses[eid] = post(port, body)
        check(all(s == 200 for s in statuses.values()), "after the restart every event acknowledged (%s)"
              % sorted(set(statuses.values()), key=str))
        # wait until the outbox is empty
        t = time.time()
        pending = None
        while time.time() - t < 25:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                h = json.loads(c.getresponse().read())
                pending = h.get("alerts_pending")
                if pending == 0:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        check(pending == 0, "the outbox drained after the webhook recovered (pending %s)" % pending)
        w.send_signal(signal.SIGTERM)
        check(w.wait(timeout=20) == 0, "SIGTERM -> exit 0")
        rec.terminate()
        rec.wait()
        # the store: every event once
        ids, alerts, delivered = store_rows(db)
        check(all(ids.count("cloudtrail:" + e) == 1 for e in acked_before), "every event acknowledged before the kill is in the "
              "store exactly once")
        sent_ids = ["cloudtrail:" + e for e, _ in events]
        missing = [e for e in sent_ids if e not in set(ids)]
        check(not missing, "every event sent is in the store (%d missing)" % len(missing))
        check(len(ids) == len(set(ids)), "no event twice in the store")
        # every alert reached the receiver at least once
        got = {}
        for x in open(rlog):
            r = json.loads(x)
            got[r["id"]] = got.get(r["id"], 0) + 1
            check(r["id"] == r["body"]["alert_id"], "header and payload carry the same alert id")
        lost = [a for a in alerts if a not in got]
        check(alerts and not lost, "every alert (%d) reached the webhook at least once (%d lost)"
              % (len(alerts), len(lost)))
        check(delivered == len(alerts), "every delivery marked delivered (%d of %d)" % (delivered, len(alerts)))
        # the last call on each bucket decides its state
        last = {}
        for i in range(NEV):
            last[i % NB] = (i // NB) % 2 == 0
        opens = sum(1 for v in last.values() if v)
        f = json.loads(subprocess.run([CW, "findings", "--db", db, "--status", "open", "--format", "json",
                                       "--no-builtin", "-r", rules_pack], capture_output=True, text=True).stdout)
        check(len(f["findings"]) == opens, "open findings = the buckets whose last call made them public (%d, %d)"
              % (len(f["findings"]), opens))
        dups = sum(1 for v in got.values() if v > 1)
        print("kill test: %d events, %d acknowledged before the SIGKILL, %d alerts, %d delivered twice, %.1f s"
              % (NEV, len(acked_before), len(alerts), dups, time.time() - t_start))
        log.seek(0)
        text = log.read()
        log.close()
        if failures:
            print(text[-5000:])
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("ok")


def store_rows(db):
    if db.startswith("postgres"):
        q = lambda sql: subprocess.run(["psql", "-At", "-d", db, "-c", sql], capture_output=True,  # noqa: E731
                                       text=True).stdout.split()
        ids = q("SELECT event_id FROM cw_events WHERE kind = 'cloudtrail'")
        alerts = q("SELECT alert_id FROM cw_alerts")
        delivered = int(q("SELECT count(*) FROM cw_deliveries WHERE state = 'delivered'")[0])
        return ids, alerts, delivered
    import sqlite3
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT event_id FROM cw_events WHERE kind = 'cloudtrail'")]
    alerts = [r[0] for r in con.execute("SELECT alert_id FROM cw_alerts")]
    delivered = con.execute("SELECT count(*) FROM cw_deliveries WHERE state = 'delivered'").fetchone()[0]
    con.close()
    return ids, alerts, delivered


main()
