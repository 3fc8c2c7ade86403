#!/usr/bin/env python3
"""Exactness of `investigate` on logs generated with known truth
(bench/gen_access_logs.py): every external actor, object and full copy is
found, no internal principal is reported, each request seen in both sources is
counted once, the gaps are reported to the hour; the same result whatever the
order the files are read in, and with S3 logs alone.

usage: test_exactness.py CLOUDWARDEN"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get("CW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "bench", "gen_access_logs.py")
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


def run(binary, truth, inputs, extra=()):
    cmd = [binary, "investigate", "-q", "--format", "json", "--resource", truth["resource"], "--window",
           truth["window"], "--org-accounts", ",".join(truth["org_accounts"]), "--trusted-ips",
           truth["trusted_ips"], *extra, *inputs]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        print(p.stderr)
        raise SystemExit("investigate exited %d" % p.returncode)
    return json.loads(p.stdout), p.returncode, p.stdout


def compare(label, truth, out, rc, text, with_ct):
    want = {(a["kind"], a["id"]): a for a in truth["actors"]}
    got = {(a["kind"], a["id"]): a for a in out["actors"]}
    check(set(got) == set(want), "%s: actors %s, expected %s" % (label, sorted(got), sorted(want)))
    for k, w in want.items():
        g = got.get(k)
        if not g:
            continue
        for field in ("objects_read", "full_copies", "listed", "denied", "bytes_sent", "first", "last"):
            check(g[field] == w[field], "%s: %s %s: %s = %r, expected %r" % (label, k[0], k[1], field,
                                                                             g[field], w[field]))
        check(sorted(g["objects_read"]) == g["objects_read"], "%s: objects_read not sorted" % label)
        check(set(g["full_copies"]) <= set(g["objects_read"]), "%s: a full copy not among objects read" % label)
        for f in ("ips", "user_agents", "operations"):
            check(isinstance(g[f], list) and g[f], "%s: %s %s has no %s" % (label, k[0], k[1], f))
    # no internal principal anywhere in what is reported about actors
    actors_text = json.dumps(out["actors"])
    for p in truth["internal_principals"]:
        check(p not in actors_text, "%s: internal principal %s reported" % (label, p))
    for acct in truth["org_accounts"]:
        check(acct not in actors_text, "%s: internal account %s reported" % (label, acct))
    gaps = [{k: g[k] for k in ("source", "from", "to", "kind")} for g in out["gaps"]]
    want_gaps = [g for g in truth["gaps"] if with_ct or g["source"] != "cloudtrail"]
    check(gaps == want_gaps, "%s: gaps %s, expected %s" % (label, gaps, want_gaps))
    check(out["coverage"]["hours"] == truth["hours"], "%s: window hours %s" % (label, out["coverage"]["hours"]))
    covered = truth["hours_covered"] if with_ct else truth["hours"] - 5
    check(out["coverage"]["hours_covered"] == covered,
          "%s: covered hours %s, expected %s" % (label, out["coverage"]["hours_covered"], covered))
    if with_ct:
        check(out["summary"]["duplicates"] == truth["duplicates"],
              "%s: duplicates %s, expected %s" % (label, out["summary"]["duplicates"], truth["duplicates"]))
    check(out["verdict"] == "evidence of external access: yes", "%s: verdict %r" % (label, out["verdict"]))
    check(rc == 1, "%s: exit code %d, expected 1 (evidence of external access)" % (label, rc))
    check(not out["problems"], "%s: problems on clean input: %s" % (label, out["problems"][:3]))
    for key in ("id", "kind", "first", "last", "ips", "user_agents", "operations", "objects_read", "full_copies",
                "bytes_sent", "listed", "denied"):
        check(all(key in a for a in out["actors"]), "%s: actors lack %s" % (label, key))


def many_requests(binary):
    """Many more external requests than the request-id table starts with, each
    in the S3 log and again in CloudTrail (as S3 data events, the same 16-hex
    request id, lower case in some), some CloudTrail records stating more bytes:
    every one counted once, the larger byte count kept."""
    owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    n, actors = 20000, 7
    with tempfile.TemporaryDirectory() as d:
        s3lines, ctrecs, want_bytes = [], [], {}
        for i in range(n):
            rid = "%016X" % ((i * 0x9E3779B97F4A7C15 + 7) % 2 ** 64)
            ip = "198.51.100.%d" % (10 + i % actors)
            ts_s3 = "01/Mar/2024:10:%02d:%02d" % (i * 60 // n, i * 3600 // n % 60)
            ts_ct = "2024-03-01T10:%02d:%02dZ" % (i * 60 // n, i * 3600 // n % 60)
            key = "exports/part-%05d.csv" % i
            s3lines.append('%s dealer-exports [%s +0000] %s - %s REST.GET.OBJECT %s "GET /dealer-exports/%s HTTP/1.1" '
                           '200 - 1000 1000 20 10 "-" "Wget/1.21.4" - aGVsbG8gd29ybGQ= SigV4 TLS_AES_128_GCM_SHA256 '
                           'AuthHeader dealer-exports.s3.eu-west-1.amazonaws.com TLSv1.3 - - eu-west-1'
                           % (owner, ts_s3, ip, rid, key, key))
            ct_bytes = 1500 if i % 3 == 0 else 1000
            ctrecs.append({"eventVersion": "1.09", "eventTime": ts_ct, "eventSource": "s3.amazonaws.com",
                           "eventName": "GetObject", "awsRegion": "eu-west-1", "sourceIPAddress": ip,
                           "userAgent": "Wget/1.21.4", "userIdentity": {"type": "AWSAccount",
                                                                        "accountId": "ANONYMOUS_PRINCIPAL"},
                           "requestParameters": {"bucketName": "dealer-exports", "key": key},
                           "additionalEventData": {"bytesTransferredOut": ct_bytes},
                           "requestID": rid.lower() if i % 2 else rid, "eventType": "AwsApiCall",
                           "managementEvent": False, "eventCategory": "Data"})
            want_bytes[ip] = want_bytes.get(ip, 0) + max(ct_bytes, 1000)
        with open(os.path.join(d, "2024-03-01-11-05-00-MANYREQUESTS0001"), "w") as f:
            f.write("\n".join(s3lines) + "\n")
        with open(os.path.join(d, "111122223333_CloudTrail_eu-west-1_20240301T1105Z_MANYREQUESTS0001.json"), "w") as f:
            json.dump({"Records": ctrecs}, f, separators=(",", ":"))
        p = subprocess.run([binary, "investigate", "-q", "--format", "json", "--resource", "dealer-exports",
                            "--org-accounts", "111122223333", "--window", "2024-03-01T10:00:00Z..2024-03-01T11:00:00Z",
                            d], capture_output=True, text=True)
        out = json.loads(p.stdout)
        check(out["summary"]["duplicates"] == n, "many requests: duplicates %s, expected %d" % (out["summary"]["duplicates"], n))
        got = {a["id"]: (a["requests"], a["bytes_sent"], len(a["objects_read"])) for a in out["actors"]}
        want = {ip: (n // actors + (1 if int(ip.rsplit(".", 1)[1]) - 10 < n % actors else 0), b,
                     n // actors + (1 if int(ip.rsplit(".", 1)[1]) - 10 < n % actors else 0)) for ip, b in want_bytes.items()}
        check(got == want, "many requests: actors %s, expected %s" % (got, want))


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        logs, truth_path = os.path.join(d, "logs"), os.path.join(d, "truth.json")
        subprocess.run([sys.executable, GEN, "-o", logs, "--truth", truth_path, "--seed", "11"], check=True)
        truth = json.load(open(truth_path))
        s3, ct = os.path.join(logs, "s3"), os.path.join(logs, "cloudtrail")
        out, rc, text = run(binary, truth, [s3, ct])
        compare("s3+cloudtrail", truth, out, rc, text, True)
        out2, rc2, _ = run(binary, truth, [ct, s3])
        compare("cloudtrail first", truth, out2, rc2, text, True)
        check(out2["actors"] == out["actors"], "reading CloudTrail first changed the actors")
        # S3 logs alone: the same actors, the S3 gaps only
        out3, rc3, text3 = run(binary, truth, [s3])
        compare("s3 alone", truth, out3, rc3, text3, False)
        # outside the window: no external access, and the verdict says how much was covered
        out4, rc4, _ = run(binary, {**truth, "window": "2024-03-01T00:00:00Z..2024-03-02T06:00:00Z"}, [s3, ct])
        check(out4["actors"] == [], "early window: actors %s" % [a["id"] for a in out4["actors"]])
        check(out4["verdict"] == "evidence of external access: none found (coverage 93%)",
              "early window: verdict %r" % out4["verdict"])
        check(rc4 == 0, "early window: exit code %d" % rc4)
        # no logs in the window at all
        out5, rc5, _ = run(binary, {**truth, "window": "2023-01-01..2023-01-02"}, [s3, ct])
        check(out5["verdict"] == "evidence of external access: unknown (no logs)", "no logs: %r" % out5["verdict"])
    many_requests(binary)
    print("%d passed, %d failed" % (0 if fails else 1, 1 if fails else 0))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
