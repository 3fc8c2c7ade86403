#!/usr/bin/env python3
"""`investigate` options: --org-accounts as a list, a file of ids and the JSON
`aws organizations list-accounts` prints; --trusted-ips as a file; --format
table; -o; usage errors (exit 2, the option and what was expected named).

usage: test_options.py CLOUDWARDEN"""
import json
import os
import subprocess
import sys
import tempfile

from fxtest import check, fails, s3


LOG = "2024-03-01-11-05-00-0123456789ABCDEF"
RECORDS = [
    s3("01/Mar/2024:10:00:01", "10.1.2.3", "arn:aws:sts::111122223333:assumed-role/etl/i-0a1b", "R1", "a.csv"),
    s3("01/Mar/2024:10:00:02", "54.239.21.88", "arn:aws:sts::444455556666:assumed-role/analytics/s-7", "R2", "b.csv"),
    s3("01/Mar/2024:10:00:03", "198.51.100.20", "arn:aws:iam::999988887777:user/mallory", "R3", "c.csv"),
    s3("01/Mar/2024:10:00:04", "10.1.2.3", "arn:aws:iam::111122223333:user/share", "R4", "d.csv", "QueryString"),
    s3("01/Mar/2024:10:00:05", "185.220.101.5", "arn:aws:iam::111122223333:user/share", "R5", "e.csv", "QueryString"),
    s3("01/Mar/2024:10:00:06", "203.0.113.45", "-", "R6", "f.csv"),
]
LIST_ACCOUNTS = {"Accounts": [
    {"Id": "111122223333", "Arn": "arn:aws:organizations::111122223333:account/o-exampleorgid/111122223333",
     "Email": "root@example.com", "Name": "management", "Status": "ACTIVE", "JoinedMethod": "INVITED",
     "JoinedTimestamp": "2020-11-20T09:04:20.346000+00:00"},
    {"Id": "444455556666", "Arn": "arn:aws:organizations::111122223333:account/o-exampleorgid/444455556666",
     "Email": "analytics@example.com", "Name": "analytics", "Status": "ACTIVE", "JoinedMethod": "CREATED",
     "JoinedTimestamp": "2021-03-02T10:11:12.000000+00:00"}]}
WINDOW = "2024-03-01T10:00:00Z..2024-03-01T11:00:00Z"


def run(binary, d, *args):
    p = subprocess.run([binary, "investigate", *args], cwd=d, capture_output=True, text=True, timeout=60)
    return p


def actors(p):
    return sorted((a["kind"], a["id"]) for a in json.loads(p.stdout)["actors"])


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, LOG), "w") as f:
            f.write("\n".join(RECORDS) + "\n")
        with open(os.path.join(d, "accounts.json"), "w") as f:
            json.dump(LIST_ACCOUNTS, f, indent=4)  # as the AWS CLI prints it
        with open(os.path.join(d, "accounts.txt"), "w") as f:
            f.write("# our organisation\n111122223333\n444455556666   # analytics\n")
        with open(os.path.join(d, "trusted.txt"), "w") as f:
            f.write("# office and VPC\n10.0.0.0/8\n192.0.2.0/24\n")
        want = [("anonymous", "203.0.113.45"), ("external-account", "999988887777"),
                ("presigned-external", "185.220.101.5")]
        base = ["--resource", "arn:aws:s3:::dealer-exports", "--window", WINDOW, "--format", "json"]
        for label, org in (("list", "111122223333,444455556666"), ("file", "accounts.txt"),
                           ("list-accounts JSON", "accounts.json")):
            p = run(binary, d, *base, "--org-accounts", org, "--trusted-ips", "trusted.txt", LOG)
            check(p.returncode == 1, "%s: exit code %d, expected 1" % (label, p.returncode))
            check(p.returncode in (0, 1) and actors(p) == want, "%s: actors %s" % (label, p.returncode in (0, 1) and actors(p)))
            check("--org-accounts" not in p.stderr, "%s: warned about --org-accounts: %s" % (label, p.stderr))
        # without --org-accounts the analytics account is outside (and a warning says so)
        p = run(binary, d, *base, "--trusted-ips", "10.0.0.0/8", LOG)
        check(("external-account", "444455556666") in actors(p), "no --org-accounts: %s" % actors(p))
        check("no --org-accounts" in p.stderr, "no warning without --org-accounts: %s" % p.stderr)
        # without --trusted-ips the presigned URL used from 10.1.2.3 is outside too
        p = run(binary, d, *base, "--org-accounts", "accounts.json", LOG)
        check(("presigned-external", "10.1.2.3") in actors(p), "no --trusted-ips: %s" % actors(p))
        # -o writes what standard output would have shown
        p = run(binary, d, *base, "--org-accounts", "accounts.json", "--trusted-ips", "trusted.txt", LOG)
        p2 = run(binary, d, *base, "--org-accounts", "accounts.json", "--trusted-ips", "trusted.txt", "-o", "out.json", LOG)
        check(p2.returncode == 1 and p2.stdout == "" and open(os.path.join(d, "out.json")).read() == p.stdout,
              "-o out.json differs from standard output")
        # the table a person reads
        p = run(binary, d, "--resource", "dealer-exports", "--window", WINDOW, "--org-accounts", "accounts.json",
                "--trusted-ips", "trusted.txt", LOG)
        t = p.stdout
        check(p.returncode == 1 and t.startswith("evidence of external access: yes\n"), "table: verdict line: %r" % t[:80])
        for s in ("203.0.113.45  anonymous", "999988887777  external-account", "185.220.101.5  presigned-external",
                  "external actors: 3", "full copies  c.csv", "s3-access-log"):
            check(s in t, "table lacks %r:\n%s" % (s, t))
        for s in ("444455556666", "10.1.2.3", "111122223333"):
            check(s not in t, "table shows the internal %s:\n%s" % (s, t))
        # usage errors: exit 2 and a message that names the option and what was expected
        errors = [
            (["--window", WINDOW, LOG], "--resource"),
            (["--resource", "dealer-exports", "--window", "2024-13-01..2024-14-01", LOG], "--window"),
            (["--resource", "dealer-exports", "--format", "xml", LOG], "expected table or json"),
            (["--resource", "dealer-exports", "--trusted-ips", "10.0.0.0/33", LOG], "10.0.0.0/33"),
            (["--resource", "dealer-exports", "--org-accounts", "acounts.json", LOG], "neither a readable file"),
            (["--resource", "dealer-exports", "--window", WINDOW], "no logs given"),
            (["--resource", "dealer-exports", "--log-format", "elb", LOG], "unknown format 'elb'"),
            (["--resource", "dealer-exports", "--bogus", LOG], "unknown option '--bogus'"),
        ]
        with open(os.path.join(d, "broken.json"), "w") as f:
            f.write('{"Accounts": [\n  {"Id": "111122223333",\n')
        errors.append((["--resource", "dealer-exports", "--org-accounts", "broken.json", LOG], "broken.json:3:1:"))
        for args, msg in errors:
            p = run(binary, d, *args)
            check(p.returncode == 2, "%s: exit code %d, expected 2" % (" ".join(args), p.returncode))
            check(msg in p.stderr, "%s: stderr %r lacks %r" % (" ".join(args), p.stderr, msg))
            check(p.stdout == "", "%s: wrote a result despite the error" % " ".join(args))
    print("%d passed, %d failed" % (0 if fails else 1, 1 if fails else 0))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
