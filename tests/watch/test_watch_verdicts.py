#!/usr/bin/env python3
"""Same verdicts as scan (issue 10, must-show): a running `watch` fed random changes as AWS
delivers them, compared after EVERY step with a full `scan` of the resulting state.

The changes come from tests/engine/random_changes.py (the generator the engine's replay test
uses: ACL grants, bucket policies, bucket and account public access blocks, security-group
rules, RDS publiclyAccessible and groups, snapshot restore attributes, instances, front doors,
deletions and re-creations). Each changed item gets a new configurationStateId (as AWS Config
gives every version) and is POSTed to `watch --listen` as one compact single-line
ConfigurationItemChangeNotification, in an SNS envelope (the message a JSON string) or as an
EventBridge "Config Configuration Item Change" event, in turn. The HTTP 200 comes only after the
commit; the store then holds each event once. After each step:
  - `findings --status open` (the store) == `scan` of a snapshot file of the current state,
    finding for finding (every field but the source location);
  - the alerts of the step (waited for: the outbox's rows in the store reach the alert file)
    open and resolve exactly what scan's findings gained and lost.
The time of the evaluation that evidence of aws:CurrentTime conditions states is masked.
Any mismatch fails with the step, what changed and the differing findings.

usage: test_watch_verdicts.py CLOUDWARDEN GENERATOR [--steps N] [--seed S] [--items N] BASE...
       (seed default CW_RANDOM_SEED or 11)
"""
import argparse
import collections
import datetime as dt
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
import random_changes as rc  # noqa: E402


def compact(v):
    return json.dumps(v, separators=(",", ":"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Run:
    def __init__(self, cw, tmp):
        self.cw, self.tmp = cw, tmp
        self.env = dict(os.environ)
        self.env.pop("XDG_DATA_HOME", None)

    def cmd(self, *args):
        p = subprocess.run([self.cw] + list(args), capture_output=True, text=True, env=self.env, timeout=120)
        if p.returncode not in (0, 1):
            raise RuntimeError("cloudwarden %s: rc %d\n%s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
        return p.stdout


# a policy with an aws:CurrentTime condition is judged at the time of the evaluation, which the
# evidence states: watch evaluated it when the change came, scan when it ran
NOW = re.compile(r"aws:CurrentTime=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \(the time of the scan\)")


def finding_key(f):
    """A finding as a comparable value: everything but where it was read from (and the time of
    the evaluation in the evidence)."""
    f = dict(f)
    f.pop("source", None)
    if isinstance(f.get("evidence"), str):
        f["evidence"] = NOW.sub("aws:CurrentTime=<evaluation time> (the time of the scan)", f["evidence"])
    return compact(f)


def findings(doc):
    return collections.Counter(finding_key(f) for f in doc["findings"])


def alert_key(rule, res):
    return rule + " " + res


def capture_ms(it):
    s = it["configurationItemCaptureTime"]
    t = dt.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    frac = s[20:-1] if len(s) > 20 else "0"
    return int(t.timestamp()) * 1000 + int((frac + "000")[:3])


def new_state_id(it):
    """Every version AWS Config records has its own configurationStateId (1.3: a number, the
    capture time in ms; 1.2: the same digits in a string)."""
    ms = capture_ms(it)
    it["configurationStateId"] = str(ms) if isinstance(it.get("configurationStateId"), str) else ms


def diff(prev, cur):
    """configurationItemDiff.changedProperties as AWS Config writes it (top-level keys)."""
    out = {}
    for part, label in (("configuration", "Configuration"), ("supplementaryConfiguration",
                                                              "SupplementaryConfiguration")):
        a = prev.get(part) if prev and isinstance(prev.get(part), dict) else {}
        b = cur.get(part) if isinstance(cur.get(part), dict) else {}
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                out["%s.%s" % (label, k)] = {"previousValue": a.get(k), "updatedValue": b.get(k),
                                             "changeType": "UPDATE" if k in a and k in b else
                                             ("CREATE" if k in b else "DELETE")}
    return out


def notification(it, prev):
    deleted = it.get("configurationItemStatus") == "ResourceDeleted"
    change = "DELETE" if deleted else ("UPDATE" if prev else "CREATE")
    return {"configurationItemDiff": {"changedProperties": {} if deleted else diff(prev, it), "changeType": change},
            "configurationItem": it, "notificationCreationTime": it["configurationItemCaptureTime"],
            "messageType": "ConfigurationItemChangeNotification", "recordVersion": "1.3"}


def envelope(n, msg, it):
    """SNS (even n) or EventBridge (odd n), as each delivers an AWS Config notification."""
    acct, region = rc.acct_of(it), it.get("awsRegion", "us-east-1")
    when = it["configurationItemCaptureTime"]
    if n % 2 == 0:
        return {"Type": "Notification", "MessageId": "5b1c0a7e-0000-4000-8000-%012d" % n,
                "TopicArn": "arn:aws:sns:%s:%s:config-topic" % (region, acct),
                "Subject": "[AWS Config:%s] %s %s %s" % (region, it["resourceType"], it.get("resourceId"),
                                                          msg["configurationItemDiff"]["changeType"].title()),
                "Message": compact(msg), "Timestamp": when, "SignatureVersion": "1", "Signature": "EXAMPLE==",
                "SigningCertURL": "https://sns.%s.amazonaws.com/SimpleNotificationService-0000.pem" % region,
                "UnsubscribeURL": "https://sns.%s.amazonaws.com/?Action=Unsubscribe" % region}
    return {"version": "0", "id": "e7b0c1d2-0000-4000-8000-%012d" % n, "detail-type": "Config Configuration Item Change",
            "source": "aws.config", "account": acct, "time": when, "region": region,
            "resources": [it.get("ARN") or it.get("arn") or ""], "detail": msg}


def event_id(it):
    res = it.get("ARN") or it.get("arn") or "%s/%s" % (it["resourceType"], it["resourceId"])
    return "config:%s@%s#%s" % (res, it["configurationItemCaptureTime"], it["configurationStateId"])


def post(port, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/events", body=body, headers={"Content-Type": "text/plain; charset=UTF-8"})
    r = c.getresponse()
    return r.status, r.read().decode("utf-8", "replace")


def start_watch(r, db, port, base, alerts, log):
    p = subprocess.Popen([r.cw, "watch", "--db", db, "--listen", "127.0.0.1:%d" % port, "--baseline", base,
                          "--alerts", alerts, "-q"], stderr=log, stdout=subprocess.DEVNULL, env=r.env)
    t = time.time()
    while time.time() - t < 60:
        if p.poll() is not None:
            raise RuntimeError("watch exited %d at start" % p.returncode)
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return p
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("watch did not answer /healthz in 60 s")


def read_alerts(path, start):
    """Complete alert lines from byte offset start: (alerts, new offset)."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read()
    end = data.rfind(b"\n") + 1
    return [json.loads(x) for x in data[:end].splitlines() if x.strip()], start + end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cloudwarden")
    ap.add_argument("generator")
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CW_RANDOM_SEED", "11")))
    ap.add_argument("--items", type=int, default=1200)
    ap.add_argument("base", nargs="*")
    a = ap.parse_intermixed_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="cw-watch-verdicts-") as d:
        r = Run(os.path.abspath(a.cloudwarden), d)
        inputs = list(a.base)
        if a.items:
            g = os.path.join(d, "generated.json")
            subprocess.run([sys.executable, a.generator, "--items", str(a.items), "--seed", str(a.seed),
                            "--layout", "compact", "-o", g], check=True)
            inputs.append(g)
        state = rc.load_items(inputs)
        ch = rc.Changer(state, a.seed)
        snap = os.path.join(d, "state.json")

        def write_state(step):
            with open(snap, "w", encoding="utf-8") as f:
                f.write(compact({"fileVersion": "1.0", "configSnapshotId": "cw-verdicts-%04d" % step,
                                 "configurationItems": list(ch.state.values())}))

        write_state(0)
        base = os.path.join(d, "baseline.json")
        os.rename(snap, base)
        db, alerts = os.path.join(d, "watch.db"), os.path.join(d, "alerts.ndjson")
        open(alerts, "w").close()
        port = free_port()
        log = open(os.path.join(d, "watch.log"), "w+")
        print("watch == scan: seed %d, %d steps, %d baseline items from %s" %
              (a.seed, a.steps, len(state), ", ".join(os.path.basename(b) for b in inputs)), flush=True)
        p = start_watch(r, db, port, base, alerts, log)
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
        bad_steps, details, n_sent, kinds, alert_kinds = [], [], 0, collections.Counter(), collections.Counter()
        off = 0
        prev = findings(json.loads(r.cmd("scan", "--format", "json", base)))
        try:
            for step in range(a.steps + 1):
                what = []
                if step > 0:
                    before = {k: v for k, v in ch.state.items()}
                    items = ch.step()
                    for it in items:
                        k = (it["resourceType"], it.get("resourceId"))
                        new_state_id(it)
                        msg = notification(it, before.get(k))
                        body = compact(envelope(n_sent, msg, it))
                        n_sent += 1
                        status, text = post(port, body)
                        if status != 200:
                            raise RuntimeError("step %d: POST answered %d: %s" % (step, status, text[:500]))
                        eid = event_id(it)
                        got = con.execute("SELECT count(*) FROM cw_events WHERE event_id = ?", (eid,)).fetchone()[0]
                        if got != 1:
                            raise RuntimeError("step %d: acknowledged event %s is in the store %d times" %
                                               (step, eid, got))
                        kinds[msg["configurationItemDiff"]["changeType"]] += 1
                        what.append("%s %s %s" % (msg["configurationItemDiff"]["changeType"], it["resourceType"],
                                                  it.get("resourceId")))
                    write_state(step)
                scan = findings(json.loads(r.cmd("scan", "--format", "json", base if step == 0 else snap)))
                store = findings(json.loads(r.cmd("findings", "--db", db, "--status", "open", "--format", "json")))
                # the step's alerts: wait until the committed outbox reached the file
                want_alerts = con.execute("SELECT count(*) FROM cw_alerts").fetchone()[0]
                got_alerts = []
                deadline = time.time() + 20
                while True:
                    more, off = read_alerts(alerts, off)
                    got_alerts += more
                    if sum(alert_kinds.values()) + len(got_alerts) >= want_alerts or time.time() > deadline:
                        break
                    time.sleep(0.01)
                opened = collections.Counter()
                for al in got_alerts:
                    alert_kinds[al["kind"]] += 1
                    sign = {"open": 1, "resolve": -1}.get(al["kind"], 0)
                    opened[alert_key(al["finding"]["rule_id"], al["resource"]["id"])] += sign
                want = collections.Counter()
                for fk, n in (scan - prev).items():
                    f = json.loads(fk)
                    want[alert_key(f["rule"]["id"], f["resource"]["id"])] += n
                for fk, n in (prev - scan).items():
                    f = json.loads(fk)
                    want[alert_key(f["rule"]["id"], f["resource"]["id"])] -= n
                # an evidence change of a finding that stays is not an alert: compare net counts per
                # (rule, resource) of what opened and what resolved
                want = {k: v for k, v in want.items() if v}
                opened = {k: v for k, v in opened.items() if v}
                prev = scan
                problems = []
                if store != scan:
                    problems.append("  only in findings --status open (%d):\n%s\n  only in scan (%d):\n%s" % (
                        sum((store - scan).values()), "\n".join("    " + x for x in sorted(store - scan)[:8]),
                        sum((scan - store).values()), "\n".join("    " + x for x in sorted(scan - store)[:8])))
                if opened != want:
                    problems.append("  alerts (net open - resolve per rule and resource): got %s\n  want %s" % (
                        sorted(opened.items())[:10], sorted(want.items())[:10]))
                if sum(alert_kinds.values()) != want_alerts:
                    problems.append("  %d alerts in the outbox, %d in the alert file after 20 s" %
                                    (want_alerts, sum(alert_kinds.values())))
                if problems:
                    bad_steps.append(step)
                    if len(details) < 5:
                        details.append("step %d (%s):\n%s" % (step, "; ".join(what) or "baseline",
                                                              "\n".join(problems)))
                        print("MISMATCH", details[-1], flush=True)
                if step % 20 == 0:
                    print("  step %d: %d open findings, %d events, %d alerts (%.1f s)" %
                          (step, sum(scan.values()), n_sent, sum(alert_kinds.values()), time.time() - t0), flush=True)
        finally:
            p.terminate()
            rc_w = p.wait(timeout=30)
            con.close()
            log.seek(0)
            wlog = log.read()
            log.close()
        ok = True
        if rc_w != 0:
            print("FAIL: watch exited %d after SIGTERM\n%s" % (rc_w, wlog[-3000:]))
            ok = False
        if bad_steps:
            print("FAIL: %d of %d steps differ: %s" % (len(bad_steps), a.steps + 1, bad_steps[:40]))
            print(wlog[-3000:])
            ok = False
        print("watch == scan: %d steps, %d notifications (%s), %d alerts (%s): %d mismatching steps (%.1f s)" %
              (a.steps, n_sent, dict(kinds), sum(alert_kinds.values()), dict(alert_kinds), len(bad_steps),
               time.time() - t0))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
