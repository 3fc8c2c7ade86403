#!/usr/bin/env python3
"""`investigate --db` and `report --db`: the exposure windows and findings the
monitor's store holds, written through the store's own interface (the
store_seed tool), are the ones investigated and reported: only the named
resource's, open windows open-ended, and the same answer as the same window
given with --window. A resource without a window, a file that is not a store
and a missing store are refused (exit 2, the store and resource named).

usage: test_store_db.py CLOUDWARDEN STORE_SEED"""
import json
import os
import subprocess
import sys
import tempfile

from fxtest import check, fails, s3


RECORDS = [
    s3("01/Mar/2024:10:00:01", "10.1.2.3", "arn:aws:sts::111122223333:assumed-role/etl/i-0a1b", "R1", "a.csv"),
    s3("01/Mar/2024:10:00:03", "198.51.100.20", "arn:aws:iam::999988887777:user/mallory", "R3", "c.csv"),
    s3("01/Mar/2024:10:00:05", "185.220.101.5", "arn:aws:iam::111122223333:user/share", "R5", "e.csv", "QueryString"),
    s3("01/Mar/2024:10:00:06", "203.0.113.45", "-", "R6", "f.csv"),
]
BUCKET = "arn:aws:s3:::dealer-exports"
SEED = "\n".join([
    # closed: 10:00:02.5 .. 10:00:04.2 (whole seconds [10:00:02, 10:00:05))
    "window\t%s\tAWS::S3::Bucket\t111122223333\t2024-03-01T10:00:02.500Z\t2024-03-01T10:00:04.200Z\taws-s3-bucket-acl-public-read" % BUCKET,
    # still open since 10:00:06
    "window\t%s\tAWS::S3::Bucket\t111122223333\t2024-03-01T10:00:06Z\t-\taws-s3-bucket-policy-public" % BUCKET,
    # another bucket: never taken for dealer-exports
    "window\tarn:aws:s3:::other-bucket\tAWS::S3::Bucket\t111122223333\t2024-03-01T10:00:05Z\t-\taws-s3-bucket-policy-public",
    "finding\t%s\taws-s3-bucket-policy-public\thigh\tpublic-access\topen\tS3 bucket policy allows public access" % BUCKET,
    "finding\t%s\taws-s3-bucket-acl-public-read\thigh\tpublic-access\tresolved\tS3 bucket ACL grants public read" % BUCKET,
    "finding\tarn:aws:s3:::other-bucket\taws-s3-bucket-policy-public\thigh\tpublic-access\topen\tS3 bucket policy allows public access",
    "finding\tarn:aws:s3:::other-bucket\taws-s3-bucket-versioning\tlow\tresilience\topen\tS3 bucket versioning is off",
]) + "\n"


def run(binary, d, *args):
    return subprocess.run([binary, *args], cwd=d, capture_output=True, text=True, timeout=60)


def main():
    binary, seed = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "2024-03-01-11-05-00-0123456789ABCDEF")
        with open(log, "w") as f:
            f.write("\n".join(RECORDS) + "\n")
        db = os.path.join(d, "cw.db")
        p = subprocess.run([seed, db], input=SEED, capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, "store_seed: %s" % p.stderr)
        common = ["--org-accounts", "111122223333", "--trusted-ips", "10.0.0.0/8", "-f", "json"]

        # the store's two windows of the bucket == the same windows given by hand
        a = run(binary, d, "investigate", "--resource", "dealer-exports", "--db", db, *common, log)
        check(a.returncode == 1, "investigate --db: exit 1 (external access) expected, got %d: %s" % (a.returncode, a.stderr))
        check("2 exposure windows from" in a.stderr, "investigate --db names how many windows it took: %r" % a.stderr)
        b = run(binary, d, "investigate", "--resource", "dealer-exports", "--window",
                "2024-03-01T10:00:02Z..2024-03-01T10:00:05Z", "--window", "2024-03-01T10:00:06Z..", *common, log)
        check(b.returncode == 1, "investigate --window: exit 1 expected, got %d: %s" % (b.returncode, b.stderr))
        if a.returncode == 1 and b.returncode == 1:
            ja, jb = json.loads(a.stdout), json.loads(b.stdout)
            check(ja == jb, "investigate --db and the same --window give the same result")
            ids = sorted(x["id"] for x in ja["actors"])
            # R3 (10:00:03, inside the closed window) and R6 (10:00:06, the open one);
            # R5 at 10:00:05 is between the windows, R1 internal
            check(ids == ["203.0.113.45", "999988887777"], "actors inside the store's windows: %s" % ids)
        # the ARN names the same resource
        c = run(binary, d, "investigate", "--resource", BUCKET, "--db", db, *common, log)
        check(c.returncode == 1 and a.stdout == c.stdout, "--resource as ARN takes the same windows")

        # refusals: no window of the resource, not a store, a missing store
        e = run(binary, d, "investigate", "--resource", "payroll", "--db", db, *common, log)
        check(e.returncode == 2 and "payroll" in e.stderr and "no exposure window" in e.stderr,
              "a resource without a window: exit 2 naming it (%d: %s)" % (e.returncode, e.stderr))
        junk = os.path.join(d, "junk.db")
        with open(junk, "w") as f:
            f.write("this is not a database\n" * 100)
        e = run(binary, d, "investigate", "--resource", "dealer-exports", "--db", junk, *common, log)
        check(e.returncode == 2 and "junk.db" in e.stderr, "not a store: exit 2 naming it (%d: %s)" % (e.returncode, e.stderr))
        missing = os.path.join(d, "none", "cw.db")
        e = run(binary, d, "investigate", "--resource", "dealer-exports", "--db", missing, *common, log)
        check(e.returncode == 2 and "none" in e.stderr, "a missing store: exit 2 naming it (%d: %s)" % (e.returncode, e.stderr))
        check(not os.path.exists(missing), "a missing store is not created by a read")

        # report --db after the investigation: that bucket's windows and findings only
        inv = os.path.join(d, "inv.json")
        with open(inv, "w") as f:
            f.write(a.stdout)
        r = run(binary, d, "report", "--investigation", inv, "--db", db, "--discovered", "2024-03-02T09:00:00Z",
                "--generated", "2024-03-02T10:00:00Z", "-f", "json")
        check(r.returncode == 0, "report --db: exit 0, got %d: %s" % (r.returncode, r.stderr))
        if r.returncode == 0:
            j = json.loads(r.stdout)
            wins = sorted((w.get("from"), w.get("to"), w.get("resource")) for w in j["exposure"]["windows"])
            store_wins = [w for w in wins if w[2] == BUCKET]
            check(len(store_wins) == 2, "report --db: the bucket's two store windows: %s" % wins)
            check(not any(w[2] == "arn:aws:s3:::other-bucket" for w in wins), "report --db: no other bucket's window")
            rules = sorted((f["rule"], f["resource"]) for f in j["findings"])
            check(rules == [("aws-s3-bucket-acl-public-read", BUCKET), ("aws-s3-bucket-policy-public", BUCKET)],
                  "report --db: the bucket's open and resolved findings: %s" % rules)
        # with nothing naming resources: every public-access window and finding, no other category
        r = run(binary, d, "report", "--db", db, "--generated", "2024-03-02T10:00:00Z", "-f", "json")
        check(r.returncode == 0, "report --db alone: exit 0, got %d: %s" % (r.returncode, r.stderr))
        if r.returncode == 0:
            j = json.loads(r.stdout)
            check(len(j["exposure"]["windows"]) == 3, "report --db alone: three windows: %s" % j["exposure"]["windows"])
            cats = sorted(f["category"] for f in j["findings"])
            check(cats == ["public-access"] * 3, "report --db alone: the public-access findings only: %s" % cats)
        r = run(binary, d, "report", "--db", junk, "-f", "json")
        check(r.returncode == 2 and "junk.db" in r.stderr, "report --db junk: exit 2 naming it (%d: %s)" % (r.returncode, r.stderr))
    print("%d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
