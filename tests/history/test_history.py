#!/usr/bin/env python3
"""history import / windows / changes and findings (issue 10 items 2 and 3).

An estate with known changes, delivered as AWS delivers it (a gzip configuration snapshot,
gzip history files with items newest first, change notifications in SNS envelopes; compact
single-line JSON): the exposure windows must be exact to the items' capture times, including
the account-level case (the account's S3 public access block switched off opens windows on
every bucket it exposes, at that change's time) and a security group opened to the internet
(a window on the database behind it). The same files delivered out of order, twice, and split
over several imports give the same windows. `findings --status open` equals `scan` of the final
state, finding for finding.

usage: test_history.py CLOUDWARDEN
"""
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awsconfig_data as A  # noqa: E402

CW = os.path.abspath(sys.argv[1])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, rc=None, env=None):
    e = dict(os.environ)
    e.pop("XDG_DATA_HOME", None)
    if env:
        e.update(env)
    p = subprocess.run([CW] + list(args), capture_output=True, text=True, env=e, timeout=300)
    if rc is not None and p.returncode != rc:
        print("command:", args, "rc", p.returncode, "expected", rc)
        print(p.stdout[-3000:], p.stderr[-3000:])
    return p


# ---- the estate and its changes -------------------------------------------------------
T0 = "2026-03-01T09:00:00.120Z"  # snapshot: everything private, account block on
T1 = "2026-03-04T17:23:45.678Z"  # account public access block switched off
T2 = "2026-03-05T08:00:01.001Z"  # alpha's public policy removed
T3 = "2026-03-07T12:30:00.500Z"  # gamma given a public policy (SNS change notification)
T4 = "2026-03-09T00:00:00.000Z"  # account block on again
T6 = "2026-03-11T10:10:10.010Z"  # security group opened to 0.0.0.0/0 on 5432
T7 = "2026-03-12T11:11:11.111Z"  # the database deleted
T8 = "2026-03-13T07:45:30.333Z"  # beta's bucket ACL made public (block on: no exposure)
DB, DBI, SG = "orders-db", "db-7QW3ERTY5UIOP1ASDF2GHJKL3Z", "sg-0f1e2d3c4b5a69788"

snapshot_items = [
    A.account_pab(T0, True),
    A.bucket("alpha-customer-exports", T0, public_read_policy=True),
    A.bucket("beta-dealer-uploads", T0, public_acl=True),
    A.bucket("gamma-static-assets", T0),
    A.bucket("delta-backups", T0),
    A.security_group(SG, T0, "10.20.0.0/16"),
    A.rds_instance(DB, DBI, SG, T0),
]
s3_changes_1 = [A.account_pab(T1, False), A.bucket("alpha-customer-exports", T2)]
gamma_t3 = A.bucket("gamma-static-assets", T3, public_read_policy=True)
s3_changes_2 = [A.account_pab(T4, True), A.bucket("beta-dealer-uploads", T8, public_acl=True)]
ec2_changes = [A.security_group(SG, T6, "0.0.0.0/0"), A.rds_instance(DB, DBI, SG, T7, status="ResourceDeleted")]

CH_PAB = "config:AWS::S3::AccountPublicAccessBlock/%s@%%s#%%d" % A.ACCOUNT


def ch(resource, when):
    return "config:%s@%s#%d" % (resource, when, A.epoch_ms(when))


PAB = "AWS::S3::AccountPublicAccessBlock/" + A.ACCOUNT
SG_ARN = "arn:aws:ec2:us-east-1:%s:security-group/%s" % (A.ACCOUNT, SG)
DB_ARN = "arn:aws:rds:us-east-1:%s:db:%s" % (A.ACCOUNT, DB)
EXPECTED = [  # resource, start, end, rule, opened by, closed by
    ("arn:aws:rds:us-east-1:%s:db:%s" % (A.ACCOUNT, DB), T6, T7, "aws-rds-instance-internet-reachable",
     ch(SG_ARN, T6), ch(DB_ARN, T7)),
    ("arn:aws:s3:::alpha-customer-exports", T1, T2, "aws-s3-bucket-public-read", ch(PAB, T1),
     ch("arn:aws:s3:::alpha-customer-exports", T2)),
    ("arn:aws:s3:::beta-dealer-uploads", T1, T4, "aws-s3-bucket-public-list", ch(PAB, T1), ch(PAB, T4)),
    ("arn:aws:s3:::gamma-static-assets", T3, T4, "aws-s3-bucket-public-read",
     ch("arn:aws:s3:::gamma-static-assets", T3), ch(PAB, T4)),
]


def deliver(d):
    """The estate as AWS delivers it; returns the files in delivery order."""
    snap = os.path.join(d, "%s_Config_%s_ConfigSnapshot_20260301T090000Z_a1b2c3d4.json.gz" % (A.ACCOUNT, A.REGION))
    A.write_snapshot(snap, snapshot_items)
    h1 = A.history_name(d, "AWS::S3::Bucket", "20260304T120000Z", "20260305T120000Z")
    A.write_history(h1, s3_changes_1)
    n = os.path.join(d, "sns-notifications.ndjson")
    A.write_ndjson(n, [A.sns(A.notification(gamma_t3), "5b1e3f2a-0c9d-4e8f-a7b6-c5d4e3f2a1b0")])
    h2 = A.history_name(d, "AWS::S3::Bucket", "20260308T120000Z", "20260314T000000Z")
    A.write_history(h2, s3_changes_2)
    h3 = A.history_name(d, "AWS::EC2::SecurityGroup", "20260311T000000Z", "20260313T000000Z")
    A.write_history(h3, ec2_changes)
    return [snap, h1, n, h2, h3]


def windows(db):
    p = run("history", "windows", "--db", db, "--format", "json", rc=0)
    return json.loads(p.stdout)


def check_windows(db, label):
    w = windows(db)["windows"]
    got = sorted((x["resource"], x["start"], x["end"], x["opened_by"], x["closed_by"]) for x in w)
    want = sorted((r, s, e, o, c) for r, s, e, _, o, c in EXPECTED)
    check(got == want, "%s: windows exact to the capture times\n got  %s\n want %s" % (label, got, want))
    for r, s, e, rule, _, _ in EXPECTED:
        m = [x for x in w if x["resource"] == r]
        check(m and rule in m[0]["rules"], "%s: %s window carries %s (%s)" % (label, r, rule, m and m[0]["rules"]))
    for x in w:
        import datetime
        f = "%Y-%m-%dT%H:%M:%S.%fZ"
        dur = (datetime.datetime.strptime(x["end"], f) - datetime.datetime.strptime(x["start"], f)).total_seconds()
        check(abs(x["duration_seconds"] - dur) < 0.0005 and not x["open"], "%s: duration of %s" % (label, x["resource"]))
    return w


def finding_keys(doc):
    return sorted((f["rule"]["id"], f["resource"]["id"], f["resource"]["type"], f["resource"]["account"],
                   f["resource"]["region"], f["rule"]["severity"], f["rule"]["category"], f["evidence"])
                  for f in doc["findings"])


def out_of_order(db2, files, d1):
    """The files delivered out of order, duplicated, over several imports."""
    snap, h1, n, h2, h3 = files
    dup = os.path.join(d1, "redelivered.ndjson")  # the same T3 change, bare and again in its envelope
    A.write_ndjson(dup, [A.notification(gamma_t3), A.sns(A.notification(gamma_t3), "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")])
    mixed = os.path.join(d1, "mixed-order.ndjson")  # later items before earlier ones in one file
    A.write_ndjson(mixed, [ec2_changes[1], s3_changes_1[1], ec2_changes[0]])
    run("history", "import", "--db", db2, h3, h2, rc=0)
    run("history", "import", "--db", db2, dup, mixed, rc=0)
    run("history", "import", "--db", db2, n, h1, rc=0)
    p = run("history", "import", "--db", db2, snap, h2, rc=0)
    check("already recorded" in p.stderr, "re-delivered versions counted as recorded: " + p.stderr)
    check_windows(db2, "out of order and duplicated")
    chg2 = json.loads(run("history", "changes", "--db", db2, rc=0).stdout)
    check(chg2["count"] == 14, "duplicates are one version (%d versions)" % chg2["count"])
    p = run("history", "import", "--db", db2, *files, rc=0)
    check("0 new versions, 14 already recorded" in p.stderr, "importing everything again adds nothing: " + p.stderr)
    check_windows(db2, "imported twice")


def same_as_scan(db, files, label):
    scan = json.loads(run("scan", "--format", "json", *files).stdout)
    f = json.loads(run("findings", "--db", db, "--format", "json", rc=0).stdout)
    check(finding_keys(f) == finding_keys(scan),
          "%s: findings --status open == scan (%d vs %d)\n  only store: %s\n  only scan: %s" % (
              label, len(f["findings"]), len(scan["findings"]),
              sorted(set(finding_keys(f)) - set(finding_keys(scan))),
              sorted(set(finding_keys(scan)) - set(finding_keys(f)))))
    check(f["summary"] == scan["summary"], "%s: same summary %s %s" % (label, f["summary"], scan["summary"]))
    return scan


PG = os.environ.get("CW_TEST_PG")
tmp = tempfile.mkdtemp(prefix="cw-history-")
if PG:  # tests/store/pg_store.sh started a throw-away PostgreSQL server: the same history on it
    try:
        d1 = os.path.join(tmp, "inorder")
        os.makedirs(d1)
        files = deliver(d1)
        out_of_order(PG, files, d1)
        same_as_scan(PG, files, "postgresql")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("history on PostgreSQL: all checks passed")
    sys.exit(0)

try:
    # 1. delivered in order, imported at once
    d1 = os.path.join(tmp, "inorder")
    os.makedirs(d1)
    files = deliver(d1)
    db1 = os.path.join(tmp, "one.db")
    p = run("history", "import", "--db", db1, *files, rc=0)
    check(p.returncode == 0, "import in order exits 0")
    check("14 new versions" in p.stderr, "14 versions recorded: " + p.stderr)
    w1 = check_windows(db1, "in order")
    # the table and csv say the same
    t = run("history", "windows", "--db", db1, rc=0).stdout
    check("alpha-customer-exports" in t and T1 in t and T2 in t and "4 windows, 0 open" in t, "table: " + t)
    c = run("history", "windows", "--db", db1, "--format", "csv", rc=0).stdout
    rows = list(csv.DictReader(io.StringIO(c)))
    check(sorted((r["resource"], r["start"], r["end"]) for r in rows) ==
          sorted((x["resource"], x["start"], x["end"]) for x in w1), "csv windows = json windows")
    one = run("history", "windows", "--db", db1, "--resource", "arn:aws:s3:::beta-dealer-uploads",
              "--format", "json", rc=0)
    check([x["resource"] for x in json.loads(one.stdout)["windows"]] == ["arn:aws:s3:::beta-dealer-uploads"],
          "--resource selects one resource")

    # the engine's incremental path (the default) and the whole state evaluated at each change agree
    db1w = os.path.join(tmp, "one-whole.db")
    run("history", "import", "--evaluate", "whole", "--db", db1w, *files, rc=0)
    check(windows(db1w) == windows(db1), "--evaluate whole gives the same windows as the incremental path")
    check(run("findings", "--db", db1w, "--status", "all", "--format", "json").stdout.split('"findings"')[1] ==
          run("findings", "--db", db1, "--status", "all", "--format", "json").stdout.split('"findings"')[1],
          "--evaluate whole gives the same findings")
    con_a, con_b = sqlite3.connect(db1), sqlite3.connect(db1w)
    q = "SELECT * FROM cw_findings ORDER BY fingerprint"
    check(con_a.execute(q).fetchall() == con_b.execute(q).fetchall(), "the same findings lifecycle rows")
    con_a.close(), con_b.close()

    # 2. changes: every version, its capture time and state id
    chg = json.loads(run("history", "changes", "--db", db1, "--format", "json", rc=0).stdout)
    check(chg["count"] == 14, "14 changes listed (%d)" % chg["count"])
    pab = [x for x in chg["changes"] if x["resource"] == PAB]
    check([(x["capture_time"], x["state_id"]) for x in pab] ==
          [(t_, str(A.epoch_ms(t_))) for t_ in (T0, T1, T4)], "account block versions in capture order: %s" % pab)
    one = json.loads(run("history", "changes", "--db", db1, "--resource", DB_ARN, "--format", "json", rc=0).stdout)
    check([x["status"] for x in one["changes"]] == ["OK", "ResourceDeleted"], "--resource: the database's versions")

    # 3. out of order, duplicated, in several imports: the same windows and findings
    db2 = os.path.join(tmp, "shuffled.db")
    out_of_order(db2, files, d1)

    # 4. findings --status open equals scan of the final state, finding for finding
    scan = same_as_scan(db1, files, "in order")
    same_as_scan(db2, files, "out of order")
    f = json.loads(run("findings", "--db", db1, "--format", "json", rc=0).stdout)
    check(f["findings"] == scan["findings"], "in order: the findings' JSON is scan's, source included")
    for fmt in ("csv",):
        a = run("findings", "--db", db1, "--format", fmt, rc=0).stdout
        b = run("scan", "--format", fmt, *files).stdout
        check(a == b, "findings --format %s == scan --format %s" % (fmt, fmt))
    for fmt in ("table", "ocsf", "sarif"):
        p = run("findings", "--db", db1, "--format", fmt, "--color", "never", rc=0)
        check(p.returncode == 0 and p.stdout, "findings --format %s writes" % fmt)
    ocsf = json.loads(run("findings", "--db", db1, "--format", "ocsf").stdout)
    check(len(ocsf) == len(scan["findings"]), "ocsf: one event per finding")
    sarif = json.loads(run("findings", "--db", db1, "--format", "sarif").stdout)
    check(len(sarif["runs"][0]["results"]) == len(scan["findings"]), "sarif: one result per finding")
    # resolved and all; the lifecycle in the store
    res = json.loads(run("findings", "--db", db1, "--status", "resolved", "--format", "json", rc=0).stdout)
    rk = {(x["rule"]["id"], x["resource"]["id"]) for x in res["findings"]}
    for r, _, _, rule, _, _ in EXPECTED:
        check((rule, r) in rk, "resolved: %s on %s" % (rule, r))
    allf = json.loads(run("findings", "--db", db1, "--status", "all", "--format", "json", rc=0).stdout)
    check(len(allf["findings"]) == len(res["findings"]) + len(scan["findings"]), "all = open + resolved")
    con = sqlite3.connect(db1)
    row = con.execute("SELECT status, first_seen_us, resolved_us, open_change, close_change, reopened FROM cw_findings"
                      " WHERE rule_id = 'aws-s3-bucket-public-list' AND resource = 'arn:aws:s3:::beta-dealer-uploads'"
                      ).fetchone()
    check(row and row[0] == "resolved" and row[1] == A.epoch_ms(T1) * 1000 and row[2] == A.epoch_ms(T4) * 1000 and
          row[3] == ch(PAB, T1) and row[4] == ch(PAB, T4) and row[5] == 0, "beta's finding lifecycle: %s" % (row,))
    con.close()
    p = run("findings", "--db", db1, "--fail-on", "info")
    check(p.returncode == (1 if scan["findings"] else 0), "findings --fail-on info: exit 1 when findings are listed")

    # 5. bad input: placed and skipped, the rest recorded
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    nots = dict(A.bucket("epsilon-no-time", T2))
    del nots["configurationItemCaptureTime"]
    with open(os.path.join(bad, "items.ndjson"), "w") as fh:
        fh.write(A.compact(A.bucket("zeta-logs", T2)) + "\n")
        fh.write('{"resourceType":"AWS::S3::Bucket","resourceId":"theta","configurationItemCaptureTime":2026-03-05}\n')
        fh.write(A.compact(nots) + "\n")
        fh.write(A.compact(A.bucket("eta-reports", T3, public_read_policy=True)) + "\n")
    db3 = os.path.join(tmp, "bad.db")
    p = run("history", "import", "--db", db3, os.path.join(bad, "items.ndjson"), rc=2)
    check(p.returncode == 2, "bad input: exit 2")
    check("items.ndjson:2:" in p.stderr, "malformed line located: " + p.stderr)
    check("items.ndjson:3:" in p.stderr and "configurationItemCaptureTime" in p.stderr,
          "item without capture time located: " + p.stderr)
    chg3 = json.loads(run("history", "changes", "--db", db3, rc=0).stdout)
    check(sorted(x["resource_id"] for x in chg3["changes"]) == ["eta-reports", "zeta-logs"],
          "the good items are recorded")
    w3 = windows(db3)["windows"]
    check([(x["resource"], x["start"], x["open"]) for x in w3] == [("arn:aws:s3:::eta-reports", T3, True)],
          "an open window (no block recorded): %s" % w3)
    notdb = os.path.join(tmp, "not-a-db")
    with open(notdb, "w") as fh:
        fh.write("hello, not sqlite\n" * 100)
    p = run("history", "import", "--db", notdb, files[0], rc=2)
    check(p.returncode == 2 and "not-a-db" in p.stderr, "a file that is not a database is refused: " + p.stderr)
    p = run("history", "windows", "--db", os.path.join(tmp, "missing.db"), rc=2)
    check(p.returncode == 2 and "missing.db" in p.stderr, "a missing store is named: " + p.stderr)
    p = run("history", "windows", "--db", db1, "--format", "sarif", rc=2)
    check(p.returncode == 2 and "format" in p.stderr, "unknown windows format refused")
    p = run("findings", "--db", db1, "--status", "closed", rc=2)
    check(p.returncode == 2, "unknown --status refused")
    p = run("history", "import", "--db", db1, rc=2)
    check(p.returncode == 2, "import without input refused")
    p = run("history", "frobnicate", rc=2)
    check(p.returncode == 2, "unknown history command refused")

    # 7. one instant, two changes that cancel out: no window; a finding resolved and reopened
    U0, U1, U2 = "2026-04-01T00:00:00.000Z", "2026-04-02T06:30:00.250Z", "2026-04-03T10:00:00.125Z"
    U3, U4 = "2026-04-04T11:59:59.999Z", "2026-04-05T23:00:00.001Z"
    d7 = os.path.join(tmp, "instant")
    os.makedirs(d7)
    h = A.history_name(d7, "AWS::S3::Bucket", "20260401T000000Z", "20260406T000000Z")
    items = [A.account_pab(U0, True), A.bucket("iota-invoices", U0, public_read_policy=True),
             A.bucket("kappa-media", U0)]
    text = A.compact({"fileVersion": "1.0", "configurationItems": items + [
        A.account_pab(U1, False), A.bucket("iota-invoices", U1),  # block off and the policy removed at once
        A.bucket("kappa-media", U2, public_read_policy=True), A.bucket("kappa-media", U3),
        A.bucket("kappa-media", U4, public_read_policy=True)]})
    import gzip
    with gzip.open(h, "wt") as fh:
        fh.write(text)
    db7 = os.path.join(tmp, "instant.db")
    run("history", "import", "--db", db7, h, rc=0)
    w7 = windows(db7)["windows"]
    got = [(x["resource"], x["start"], x["end"]) for x in w7]
    check(got == [("arn:aws:s3:::kappa-media", U2, U3), ("arn:aws:s3:::kappa-media", U4, None)],
          "same-instant changes that cancel make no window; kappa closed and reopened: %s" % got)
    check(w7[1]["open"] and w7[1]["duration_seconds"] is None and w7[1]["closed_by"] is None, "the open window")
    con = sqlite3.connect(db7)
    row = con.execute("SELECT status, first_seen_us, resolved_us, reopened, open_change FROM cw_findings WHERE "
                      "rule_id = 'aws-s3-bucket-public-read' AND resource = 'arn:aws:s3:::kappa-media'").fetchone()
    check(row == ("open", A.epoch_ms(U2) * 1000, None, 1, ch("arn:aws:s3:::kappa-media", U4)),
          "kappa's finding: first seen U2, reopened once, opened last by U4: %s" % (row,))
    n = con.execute("SELECT count(*) FROM cw_findings WHERE resource = 'arn:aws:s3:::iota-invoices' AND "
                    "category = 'public-access'").fetchone()[0]
    check(n == 0, "iota never held a public-access finding (%d)" % n)
    con.close()

    # 6. the default store: $XDG_DATA_HOME/cloudwarden/cloudwarden.db
    xdg = os.path.join(tmp, "xdg")
    run("history", "import", files[0], rc=0, env={"XDG_DATA_HOME": xdg})
    check(os.path.exists(os.path.join(xdg, "cloudwarden", "cloudwarden.db")), "default store under XDG_DATA_HOME")
    p = run("findings", "--format", "json", rc=0, env={"XDG_DATA_HOME": xdg})
    check(p.returncode == 0 and json.loads(p.stdout)["findings"] is not None, "findings reads the default store")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("history: all checks passed")
