#!/usr/bin/env python3
"""`cloudwarden watch` end to end (issue 10 items 4 and 5), the real binary on a real store.

1. stdin: a baseline of private buckets; CloudTrail calls through EventBridge (a public bucket
   policy, the account's public access block put and deleted, the policy deleted), the AWS Config
   item that follows (reconciles: no second alert), a failed call (nothing changes), an oversized
   notification (recorded, reported), bad lines (logged with their line, skipped). Alerts in
   order with their change and window; the exposure windows exact to the events' times;
   `findings --status open` equals `scan` of the resulting state; exit 0 at the end of input.
2. directory: a gzip history file delivered by rename -> done/, alerts; a broken file -> failed/
   with its reason; SIGHUP with a broken rule pack (reported, old rules kept, still running), then
   with a pack that adds a rule (its findings opened and alerted); SIGTERM -> exit 0.
3. the store: not a database, read-only -> exit 2 naming the file.

usage: test_watch.py CLOUDWARDEN
"""
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import watch_data as W  # noqa: E402
from watch_data import check, failures  # noqa: E402

cfg = W.cfg
CW = os.path.abspath(sys.argv[1])


def env():
    e = dict(os.environ)
    e.pop("XDG_DATA_HOME", None)
    return e


def run(*args, rc=None, stdin=None):
    p = subprocess.run([CW] + list(args), capture_output=True, text=True, env=env(), timeout=120, input=stdin)
    if rc is not None and p.returncode != rc:
        print("command:", args, "rc", p.returncode, "expected", rc)
        print(p.stdout[-3000:], p.stderr[-3000:])
    return p


def read_ndjson(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def finding_keys(doc):
    return sorted((f["rule"]["id"], f["resource"]["id"], f["resource"]["type"], f["resource"]["account"],
                   f["resource"]["region"], f["rule"]["severity"], f["rule"]["category"], f["evidence"])
                  for f in doc["findings"])


T0 = "2026-12-01T00:00:00.000Z"
T1, T2, T3, T4, T5 = ("2026-12-07T10:00:00Z", "2026-12-07T10:03:00.000Z", "2026-12-07T10:10:00Z",
                      "2026-12-07T10:20:00Z", "2026-12-07T10:30:00Z")
E = ["3ba1ab5e-0000-4000-8000-%012d" % i for i in range(20)]
READ = "aws-s3-bucket-public-read"


def stdin_case(d):
    db = os.path.join(d, "stdin.db")
    alerts = os.path.join(d, "alerts.ndjson")
    b1, b2 = cfg.bucket("cust-data", T0), cfg.bucket("cust-logs", T0)
    base = os.path.join(d, "baseline.json")
    with open(base, "w") as f:
        f.write(cfg.compact({"fileVersion": "1.0", "configSnapshotId": "s1", "configurationItems": [b1, b2]}))
    b1_public = cfg.bucket("cust-data", T2, public_read_policy=True)
    lines = [
        W.line(W.eventbridge(W.put_bucket_policy("cust-data", T1, E[1]), "eb-1")),
        W.line(W.sns(cfg.notification(b1_public, b1), "sns-2")),           # AWS Config's item, minutes later
        W.line(W.eventbridge(W.put_bucket_policy("cust-logs", T1, E[2], error=("AccessDenied", "Access Denied")),
                             "eb-2")),
        '{"configurationItem": {"resourceType": \n',                          # line 4: broken
        W.line(W.sns(W.oversized("AWS::S3::Bucket", "cust-logs", "arn:aws:s3:::cust-logs", T2, 1765101780000),
                     "sns-3")),
        W.line({"what": "is this"}),                                           # line 6: not understood
        W.line(W.eventbridge(W.account_block(T3, E[3], True), "eb-3")),
        W.line(W.eventbridge(W.account_block(T4, E[4], None), "eb-4")),
        W.line(W.eventbridge(W.delete_bucket_policy("cust-data", T5, E[5]), "eb-5")),
        W.line(W.eventbridge(W.delete_bucket_policy("cust-data", T5, E[5]), "eb-5")),  # delivered twice
    ]
    p = run("watch", "--db", db, "--events", "-", "--baseline", base, "--alerts", alerts, stdin="".join(lines))
    check(p.returncode == 0, "stdin: exit 0 at the end of input (rc %d)\n%s" % (p.returncode, p.stderr[-2000:]))
    log = p.stderr
    check("stdin:4:" in log, "stdin: the broken line logged with its line number")
    check("stdin:6:" in log and "not understood" in log, "stdin: the unknown record logged with its line")
    check("fetch s3://config-bucket/" in log, "stdin: the oversized notification reported as needing a fetch")
    got = [(a["kind"], a["finding"]["rule_id"], a["resource"]["id"], a["change"]["id"]) for a in read_ndjson(alerts)
           if a["finding"]["rule_id"] == READ]
    want = [("open", READ, "arn:aws:s3:::cust-data", "cloudtrail:" + E[1]),
            ("resolve", READ, "arn:aws:s3:::cust-data", "cloudtrail:" + E[3]),
            ("open", READ, "arn:aws:s3:::cust-data", "cloudtrail:" + E[4]),
            ("resolve", READ, "arn:aws:s3:::cust-data", "cloudtrail:" + E[5])]
    check(got == want, "stdin: public-read alerts in order\n got  %s\n want %s" % (got, want))
    al = read_ndjson(alerts)
    first = [a for a in al if a["finding"]["rule_id"] == READ][:1]
    if check(first, "stdin: an alert for the public policy"):
        a = first[0]
        check(a["change"]["event_name"] == "PutBucketPolicy" and a["change"]["actor"] == W.ACTOR,
              "stdin: the alert names the call and who made it")
        check(a["window"]["opened"] == "2026-12-07T10:00:00Z", "stdin: the alert says when the window opened")
        check("OPENED critical" in a["text"], "stdin: a Slack-compatible text")
    check(len(set(a["alert_id"] for a in al)) == len(al), "stdin: alert ids unique")
    # windows exact to the events' times
    w = json.loads(run("history", "windows", "--db", db, "--format", "json", rc=0).stdout)["windows"]
    got = sorted((x["resource"], x["start"], x["end"], x["opened_by"], x["closed_by"]) for x in w)
    want = [("arn:aws:s3:::cust-data", "2026-12-07T10:00:00.000Z", "2026-12-07T10:10:00.000Z", "cloudtrail:" + E[1],
             "cloudtrail:" + E[3]),
            ("arn:aws:s3:::cust-data", "2026-12-07T10:20:00.000Z", "2026-12-07T10:30:00.000Z", "cloudtrail:" + E[4],
             "cloudtrail:" + E[5])]
    check(got == want, "stdin: exposure windows\n got  %s\n want %s" % (got, want))
    # the store: each event once; the failed call and the oversized one recorded with their reason
    con = sqlite3.connect(db)
    kinds = dict(con.execute("SELECT kind, count(*) FROM cw_events GROUP BY kind").fetchall())
    check(kinds.get("cloudtrail") == 5 and kinds.get("config-item") == 1 and kinds.get("oversized") == 1
          and kinds.get("unknown") == 1, "stdin: events by kind %s" % kinds)
    det = con.execute("SELECT detail FROM cw_events WHERE event_id = ?", ("cloudtrail:" + E[2],)).fetchone()
    check(det and "failed-call" in det[0] and "AccessDenied" in det[0], "stdin: the failed call recorded: %s" % (det,))
    con.close()
    # what is exposed now == scan of the resulting state (the bucket policy deleted, the account block gone)
    final = os.path.join(d, "final.json")
    with open(final, "w") as f:
        f.write(cfg.compact({"configurationItems": [b1, b2]}))
    scan = json.loads(run("scan", "--format", "json", final).stdout)
    got = json.loads(run("findings", "--db", db, "--status", "open", "--format", "json", rc=0).stdout)
    check(finding_keys(got) == finding_keys(scan), "stdin: findings --status open == scan of the final state\n"
          "  only store: %s\n  only scan: %s" % (sorted(set(finding_keys(got)) - set(finding_keys(scan))),
                                                 sorted(set(finding_keys(scan)) - set(finding_keys(got)))))
    # a second run over the same input: nothing new (every event a duplicate), no alert
    n = len(read_ndjson(alerts))
    p = run("watch", "--db", db, "--events", "-", "--alerts", alerts, stdin="".join(lines))
    check(p.returncode == 0 and len(read_ndjson(alerts)) == n, "stdin: the same events again change nothing")


RULE_OK = """- rule: test-bucket-named-public
  title: a bucket whose name says public
  resource: AWS::S3::Bucket
  severity: low
  category: hardening
  condition: configuration.name startswith "pub"
  evidence: "the bucket is called {configuration.name}"
"""


def wait_for(pred, timeout=15):
    t = time.time()
    while time.time() - t < timeout:
        try:
            if pred():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def dir_case(d):
    db = os.path.join(d, "dir.db")
    inbox = os.path.join(d, "inbox")
    os.makedirs(inbox)
    alerts = os.path.join(d, "dir-alerts.ndjson")
    pack = os.path.join(d, "pack.yaml")
    with open(pack, "w") as f:
        f.write("[]\n")
    errlog = open(os.path.join(d, "dir.log"), "w+")
    p = subprocess.Popen([CW, "watch", "--db", db, "--events", inbox, "--alerts", alerts, "--settle-ms", "100",
                          "-r", pack], stderr=errlog, env=env())
    try:
        # S3 delivery as AWS Config writes history files: gzip, items newest first; renamed into place
        items = [cfg.bucket("pub-site", "2026-12-07T11:00:00.000Z"),
                 cfg.bucket("pub-site", "2026-12-07T11:05:00.000Z", public_acl=True)]
        tmp = os.path.join(inbox, "h1.json.gz.tmp")
        cfg.write_history(tmp, items)
        os.rename(tmp, os.path.join(inbox, "111122223333_Config_us-east-1_ConfigHistory_AWS::S3::Bucket_h1.json.gz"))
        with open(os.path.join(inbox, "broken.json"), "w") as f:
            f.write('{"configurationItems": [\n {"resourceType": "AWS::S3::Bucket", nope}\n]}')
        done = os.path.join(inbox, "done")
        check(wait_for(lambda: len(os.listdir(done)) == 1), "dir: the history file moved to done/")
        failed = os.path.join(inbox, "failed")
        check(wait_for(lambda: os.path.exists(os.path.join(failed, "broken.json.reason"))),
              "dir: the broken file moved to failed/ with its reason")
        if os.path.exists(os.path.join(failed, "broken.json.reason")):
            reason = open(os.path.join(failed, "broken.json.reason")).read()
            check("2:" in reason, "dir: the reason names the line: %s" % reason.strip())
        check(wait_for(lambda: any(a["kind"] == "open" and a["resource"]["id"] == "arn:aws:s3:::pub-site"
                                   for a in read_ndjson(alerts))), "dir: an alert for the public ACL")
        # SIGHUP with a broken pack: reported, the old rules stay, still running
        with open(pack, "w") as f:
            f.write("- rule: broken\n  title: [unclosed\n")
        p.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "rules loaded before stay in use" in open(errlog.name).read()),
              "dir: SIGHUP with a bad pack reported, the old rules kept")
        check(p.poll() is None, "dir: still running after a bad pack")
        # a good pack adding a rule: its finding opens (and is alerted)
        with open(pack, "w") as f:
            f.write(RULE_OK)
        p.send_signal(signal.SIGHUP)
        check(wait_for(lambda: any(a["finding"]["rule_id"] == "test-bucket-named-public" for a in read_ndjson(alerts))),
              "dir: SIGHUP with a pack that adds a rule: its finding alerted")
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=20)
        check(rc == 0, "dir: SIGTERM -> exit 0 (rc %s)" % rc)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        errlog.seek(0)
        log = errlog.read()
        errlog.close()
    if failures:
        print(log[-4000:])


def store_case(d):
    junk = os.path.join(d, "junk.db")
    with open(junk, "wb") as f:
        f.write(b"this is not a database, just text that is long enough" * 100)
    p = run("watch", "--db", junk, "--events", "-", stdin="")
    check(p.returncode == 2 and junk in p.stderr, "store: not a database -> exit 2 naming it (%d: %s)"
          % (p.returncode, p.stderr.strip()[-300:]))
    ro = os.path.join(d, "ro.db")
    run("watch", "--db", ro, "--events", "-", stdin="", rc=0)
    os.chmod(ro, 0o444)
    if os.geteuid() != 0:  # root writes read-only files
        p = run("watch", "--db", ro, "--events", "-", stdin="")
        check(p.returncode == 2 and ro in p.stderr, "store: read-only -> exit 2 naming it (%d: %s)"
              % (p.returncode, p.stderr.strip()[-300:]))
    p = run("watch", "--events", "-", "--webhook", "ftp://x", "--db", os.path.join(d, "x.db"), stdin="")
    check(p.returncode == 2 and "http://" in p.stderr, "usage: a webhook that is not http(s)")
    p = run("watch", "--db", os.path.join(d, "x.db"))
    check(p.returncode == 2 and "no source" in p.stderr, "usage: no source")


def main():
    with tempfile.TemporaryDirectory(prefix="cw-watch-") as d:
        t = time.time()
        stdin_case(d)
        dir_case(d)
        store_case(d)
        print("watch end to end: %.1f s" % (time.time() - t))
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("ok")


main()
