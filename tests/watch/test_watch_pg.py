#!/usr/bin/env python3
"""Kill and take over (issue 10, "the same kill-and-take-over test runs with two watch processes on one
PostgreSQL store"). Two `watch --listen` nodes, a and b, share one real PostgreSQL store (started by
tests/store/pg_store.sh, CW_TEST_PG) with account leases of 2 s. Account 1's CloudTrail calls stream to
node a, account 2's to node b, at the same time; an account-1 call sent to b while a holds the account is
refused (503 with Retry-After, nothing committed). Node a is killed with SIGKILL in the middle of its
stream; its sender goes on against node b, honouring Retry-After, from the first call a did not
acknowledge (and sends everything again afterwards, as SNS does, to show de-duplication). Node b takes
the account over once a's lease has expired. Then:
  - every acknowledged event is in the store exactly once, and every event sent is there;
  - account 1 is leased to b; the takeover took at most the lease ttl plus one renewal period after the
    kill (and not less than what was left of a's lease);
  - the findings (every status, with their lifecycle), the exposure windows and the alerts are those of
    a single node on SQLite fed the same events (the reference run of this test);
  - every alert reached the webhook receiver (a loopback http.server that fails until after the kill)
    at least once, and every delivery is marked delivered.

usage: test_watch_pg.py CLOUDWARDEN      (CW_TEST_PG: the libpq connection string; run by pg_store.sh)
"""
import http.client
import json
import os
import re
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
PG = os.environ.get("CW_TEST_PG")
TTL = 2.0
ACC1, ACC2 = W.ACCOUNT, "444455556666"
NB = 30            # buckets per account
NEV = 150          # calls per account: each bucket public, private, public, ... (the last round half done)
KILL_AFTER = 75    # account-1 calls node a acknowledged before the SIGKILL (mid round: 15 buckets public)


def post(port, body):
    """(HTTP status, Retry-After) or (None, None) when the connection failed (not acknowledged)."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", "/events", body=body, headers={"Content-Type": "text/plain; charset=UTF-8"})
        r = c.getresponse()
        r.read()
        return r.status, r.getheader("Retry-After")
    except OSError:
        return None, None


def health(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/healthz")
        return json.loads(c.getresponse().read())
    except (OSError, ValueError):
        return None


def for_account(v, acc):
    """the same JSON as AWS would write it for another account"""
    return json.loads(json.dumps(v).replace(ACC1, acc)) if acc != ACC1 else v


def bucket_name(acc, i):
    return ("orders-%03d" if acc == ACC1 else "ledger-%03d") % i


def event(acc, i):
    b = bucket_name(acc, i % NB)
    when = "2026-12-07T12:%02d:%02dZ" % (i // 60, i % 60)
    eid = "9c0ffee0-%04d-4000-8000-%012d" % (1 if acc == ACC1 else 2, i)
    public = (i // NB) % 2 == 0
    ct = W.put_bucket_policy(b, when, eid) if public else W.delete_bucket_policy(b, when, eid)
    return eid, cfg.compact(for_account(W.eventbridge(ct, "eb-%s-%d" % (acc, i)), acc))


def probe():
    """an account-1 call that failed (AccessDenied): it changes nothing, but it is account 1's"""
    ct = W.put_bucket_policy(bucket_name(ACC1, 0), "2026-12-07T11:59:59Z", "9c0ffee0-0009-4000-8000-000000000001",
                             error=("AccessDenied", "Access Denied"))
    return ct["eventID"], cfg.compact(W.eventbridge(ct, "eb-probe"))


def start_watch(node, port, hook, base, rules, log):
    args = [CW, "watch", "--db", PG, "--node-id", node, "--lease-ttl", str(TTL), "--listen", "127.0.0.1:%d" % port,
            "--webhook", hook, "--retry-base-ms", "200", "--retry-max-ms", "1000", "--no-builtin", "-r", rules,
            "--baseline", base]
    p = subprocess.Popen(args, stderr=log, stdout=subprocess.DEVNULL)
    t = time.time()
    while time.time() - t < 30 and p.poll() is None:
        h = health(port)
        if h and h.get("status") == "ok":
            break
        time.sleep(0.1)
    return p


def psql(sql):
    r = subprocess.run(["psql", "-X", "-At", "-d", PG, "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("psql: " + r.stderr)
    return [x for x in r.stdout.split("\n") if x]


def findings_doc(db, rules):
    r = subprocess.run([CW, "findings", "--db", db, "--status", "all", "--format", "json", "--no-builtin", "-r", rules],
                       capture_output=True, text=True)
    return json.loads(r.stdout)["findings"]


LIFE = ("SELECT fingerprint, rule_id, resource, account, severity, status, first_seen_us, last_seen_us, "
        "coalesce(resolved_us, -1), reopened, coalesce(open_change, ''), coalesce(close_change, '') "
        "FROM cw_findings ORDER BY fingerprint")


def lifecycle_pg():
    return [tuple(x.split("|")) for x in psql(LIFE)]


def lifecycle_sqlite(db):
    import sqlite3
    con = sqlite3.connect(db)
    rows = [tuple(str(c) for c in r) for r in con.execute(LIFE)]
    con.close()
    return rows


def windows_doc(db):
    r = subprocess.run([CW, "history", "windows", "--db", db, "--format", "json"], capture_output=True, text=True)
    return json.loads(r.stdout)


def scrub(v):
    """what depends on the way an event came in (the origin names a node's HTTP client and request
    number, or stdin), not on what it did"""
    if isinstance(v, dict):
        return {k: scrub(x) for k, x in v.items() if k not in ("source_file", "source", "generated_at")}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    if isinstance(v, str):
        return re.sub(r"(http:127\.0\.0\.1:\d+#\d+|stdin(:\d+)?)", "<origin>", v)
    return v


def reference(d, base, rules, events):
    """a single node on SQLite, the same events once each, in each account's order"""
    db = os.path.join(d, "reference.db")
    stdin = "".join(body + "\n" for _, body in events)
    r = subprocess.run([CW, "watch", "--db", db, "--events", "-", "--baseline", base, "--no-builtin", "-r", rules,
                        "--alerts", os.path.join(d, "reference-alerts.ndjson")], input=stdin, capture_output=True,
                       text=True)
    check(r.returncode == 0, "reference run exit 0 (%d): %s" % (r.returncode, r.stderr[-2000:]))
    import sqlite3
    con = sqlite3.connect(db)
    alerts = sorted(x[0] for x in con.execute("SELECT alert_id FROM cw_alerts"))
    con.close()
    return db, alerts


def main():
    if not PG:
        print("CW_TEST_PG not set (run through tests/store/pg_store.sh): skipped")
        sys.exit(77)
    with tempfile.TemporaryDirectory(prefix="cw-watch-pg-") as d:
        t0 = time.time()
        fail = os.path.join(d, "fail")
        rlog = os.path.join(d, "received.ndjson")
        open(fail, "w").close()  # the webhook is down until after the kill
        rec = subprocess.Popen([sys.executable, "-c", W.RECEIVER, fail, rlog], stdout=subprocess.PIPE, text=True)
        hook = "http://127.0.0.1:%s/hook" % rec.stdout.readline().strip()
        rules = os.path.join(d, "pack.yaml")
        with open(rules, "w") as f:
            f.write("- rule: test-s3-public-read\n  title: S3 bucket objects readable by anyone\n"
                    "  resource: AWS::S3::Bucket\n  severity: critical\n  category: public-access\n"
                    "  condition: s3.public.read\n  evidence: \"{s3.public.read_reason}\"\n")
        base = os.path.join(d, "baseline.json")
        items = [for_account(cfg.bucket(bucket_name(acc, i), "2026-12-01T00:00:00.000Z"), acc)
                 for acc in (ACC1, ACC2) for i in range(NB)]
        with open(base, "w") as f:
            f.write(cfg.compact({"configurationItems": items}))
        ev1 = [event(ACC1, i) for i in range(NEV)]
        ev2 = [event(ACC2, i) for i in range(NEV)]
        pr = probe()
        pa, pb = free_port(), free_port()
        loga = open(os.path.join(d, "node-a.log"), "w+")
        logb = open(os.path.join(d, "node-b.log"), "w+")
        a = start_watch("a", pa, hook, base, rules, loga)
        b = start_watch("b", pb, hook, base, rules, logb)
        check(a.poll() is None and b.poll() is None, "both nodes started")
        acked = set()
        lock = threading.Lock()
        state = {"killed_at": None, "first_b_ack": None, "refused_on_b": 0, "retry_after": set()}

        def send_until_ok(port, eid, body, deadline=30):
            t = time.time()
            while time.time() - t < deadline:
                st, ra = post(port, body)
                if st == 200:
                    with lock:
                        acked.add(eid)
                    return True
                if st == 503:
                    with lock:
                        if port == pb:
                            state["refused_on_b"] += 1
                            if ra:
                                state["retry_after"].add(ra)
                    time.sleep(min(float(ra or 1), 0.1))  # Retry-After, polled finer to time the takeover
                else:
                    return False
            return False

        def sender1():
            i = 0
            while i < NEV:
                st, _ = post(pa, ev1[i][1])
                if st != 200:
                    break  # node a is gone: what it did not acknowledge goes to b
                with lock:
                    acked.add(ev1[i][0])
                i += 1
            for k in range(i, NEV):
                if not send_until_ok(pb, *ev1[k]):
                    check(False, "node b acknowledged account-1 call %d after the takeover" % k)
                    return
                if state["first_b_ack"] is None:
                    state["first_b_ack"] = time.time()

        def sender2():
            for eid, body in ev2:
                if not send_until_ok(pb, eid, body):
                    check(False, "node b acknowledged account-2 call %s" % eid)
                    return

        t1 = threading.Thread(target=sender1)
        t2 = threading.Thread(target=sender2)
        t1.start()
        t2.start()
        while len([e for e, _ in ev1 if e in acked]) < 5:
            time.sleep(0.005)
        # account 1 is a's now: b refuses its calls without committing them
        st, ra = post(pb, pr[1])
        check(st == 503 and ra and int(ra) >= 1, "an account-1 call sent to node b while a holds the account: 503 "
              "with Retry-After (%s, %s)" % (st, ra))
        check(not psql("SELECT 1 FROM cw_events WHERE event_id = 'cloudtrail:%s'" % pr[0]),
              "the refused call was not committed")
        while len([e for e, _ in ev1 if e in acked]) < KILL_AFTER and t1.is_alive():
            time.sleep(0.002)
        a.send_signal(signal.SIGKILL)  # in the middle of account 1's stream
        state["killed_at"] = time.time()
        a.wait()
        acked_at_kill = set(acked)
        n1 = len([e for e, _ in ev1 if e in acked_at_kill])
        check(KILL_AFTER <= n1 < NEV, "killed mid-stream (%d of %d account-1 calls acknowledged)" % (n1, NEV))
        threading.Timer(0.5, lambda: os.path.exists(fail) and os.unlink(fail)).start()  # the webhook recovers
        t1.join()
        t2.join()
        takeover = state["first_b_ack"] - state["killed_at"] if state["first_b_ack"] else None
        check(takeover is not None and takeover <= TTL + TTL / 3 + 1.5,
              "node b took account 1 over within ttl + one renewal period (%s s)" % takeover)
        # the probe now goes to b, and everything is sent to b once more (duplicates)
        check(send_until_ok(pb, *pr), "the refused call is acknowledged by b after the takeover")
        dup = [post(pb, body)[0] for _, body in ev1 + ev2]
        check(all(s == 200 for s in dup), "sent again: every call acknowledged (%s)" % sorted(set(dup), key=str))
        t = time.time()
        pending = None
        while time.time() - t < 40:
            h = health(pb)
            pending = h.get("alerts_pending") if h else None
            if pending == 0:
                break
            time.sleep(0.2)
        check(pending == 0, "the outbox drained through node b (pending %s)" % pending)
        hb = health(pb) or {}
        owners = dict(x.split("|")[:2] for x in psql("SELECT account, owner FROM cw_leases"))
        check(owners.get(ACC1) == "b" and owners.get(ACC2) == "b", "both accounts leased to b (%s)" % owners)
        b.send_signal(signal.SIGTERM)
        check(b.wait(timeout=20) == 0, "node b: SIGTERM -> exit 0")
        rec.terminate()
        rec.wait()
        loga.seek(0)
        logb.seek(0)
        text_a, text_b = loga.read(), logb.read()
        check("taken over from node 'a'" in text_b, "node b logged the takeover of account 1 from node a")
        # the store: every event once
        ids = psql("SELECT event_id FROM cw_events WHERE kind = 'cloudtrail'")
        allev = ev1 + ev2 + [pr]
        check(all(ids.count("cloudtrail:" + e) == 1 for e in acked_at_kill), "every event acknowledged before the "
              "kill is in the store exactly once")
        missing = [e for e, _ in allev if "cloudtrail:" + e not in set(ids)]
        check(not missing, "every event sent is in the store (%d missing)" % len(missing))
        check(len(ids) == len(set(ids)) == len(allev), "no event twice in the store (%d rows, %d distinct, %d sent)"
              % (len(ids), len(set(ids)), len(allev)))
        # the same as one node
        refdb, ref_alerts = reference(d, base, rules, [pr] + ev1 + ev2)
        fp, fr = scrub(findings_doc(PG, rules)), scrub(findings_doc(refdb, rules))
        check(fp and fp == fr, "findings --status all equal a single node's (%d, %d)" % (len(fp), len(fr)))
        lp, lr = lifecycle_pg(), lifecycle_sqlite(refdb)
        check(lp and lp == lr, "the findings' lifecycle rows (first/last seen, resolved, reopened, the changes that "
              "opened and closed them) equal a single node's (%d, %d)" % (len(lp), len(lr)))
        if lp != lr:
            print("  first difference:", next(((x, y) for x, y in zip(lp, lr) if x != y), None))
        if fp != fr:
            for x, y in zip(fp, fr):
                if x != y:
                    print("  pg:  ", json.dumps(x)[:600], "\n  ref: ", json.dumps(y)[:600])
                    break
        wp, wr = scrub(windows_doc(PG)), scrub(windows_doc(refdb))
        check(wp and wp == wr, "exposure windows equal a single node's")
        alerts = sorted(psql("SELECT alert_id FROM cw_alerts"))
        check(alerts == ref_alerts, "the alerts are a single node's (%d, %d)" % (len(alerts), len(ref_alerts)))
        got = {}
        for x in open(rlog):
            r = json.loads(x)
            got[r["id"]] = got.get(r["id"], 0) + 1
        lost = [x for x in alerts if x not in got]
        check(alerts and not lost, "every alert (%d) reached the webhook at least once (%d lost)"
              % (len(alerts), len(lost)))
        delivered = int(psql("SELECT count(*) FROM cw_deliveries WHERE state = 'delivered'")[0])
        check(delivered == len(alerts), "every delivery marked delivered (%d of %d)" % (delivered, len(alerts)))
        dups = sum(1 for v in got.values() if v > 1)
        print("pg takeover test: %d events (%d + %d + 1 refused probe), %d account-1 calls acknowledged by node a "
              "before the SIGKILL, takeover %.2f s after the kill (lease ttl %.1f s), %d refusals by b (Retry-After "
              "%s), %d alerts, %d delivered twice, b: %s takeovers, %.1f s"
              % (len(allev), NEV, NEV, n1, takeover or -1, TTL, state["refused_on_b"],
                 ",".join(sorted(state["retry_after"])), len(alerts), dups, hb.get("takeovers"), time.time() - t0))
        if failures:
            print("--- node a\n" + text_a[-3000:] + "\n--- node b\n" + text_b[-6000:])
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("ok")


main()
