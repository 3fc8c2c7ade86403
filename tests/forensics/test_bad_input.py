#!/usr/bin/env python3
"""Bad input to `investigate`: truncated gzip, a CloudTrail file that is not
JSON (and one that breaks off), S3 log lines with unbalanced quotes or
brackets, a 10 MB line, a log of another bucket, timestamps out of order.
Each is reported with its file and line and skipped; the good records around
it still count; coverage counts what was unreadable; nothing crashes or hangs.

usage: test_bad_input.py CLOUDWARDEN"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


def s3(bucket, ts, ip, req, rid, key="data.csv", status=200, sent=100, size=100):
    return ('%s %s [%s +0000] %s %s %s REST.GET.OBJECT %s "GET /%s/%s HTTP/1.1" %d - %d %d 10 5 "-" "curl/8" - '
            'HOSTID= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader %s.s3.amazonaws.com TLSv1.3 - - us-east-1'
            % (OWNER, bucket, ts, ip, req, rid, key, bucket, key, status, sent, size, bucket))


def problems_for(out, name):
    return [p for p in out["problems"] if p["file"] and os.path.basename(p["file"]) == name]


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        # S3 log with every kind of bad line among good ones
        s3name = "2024-03-01-11-05-00-BADLINES00000001"
        lines = [
            s3("dealer-exports", "01/Mar/2024:10:00:01", "203.0.113.5", "-", "A1", "a.csv"),                 # 1 good
            s3("dealer-exports", "01/Mar/2024:10:00:02", "203.0.113.5", "-", "A2").replace('"curl/8"', '"curl/8'),  # 2 quote
            s3("dealer-exports", "01/Mar/2024:10:00:03", "203.0.113.5", "-", "A3").replace("[01/Mar", "[01/Mar").replace(" +0000]", " +0000"),  # 3 bracket
            "x" * (10 * 1024 * 1024),                                                                        # 4 10 MB
            s3("dealer-exports", "01/Mar/2024:10:30:04", "203.0.113.5", "-", "A5", "b.csv"),                 # 5 good
            s3("dealer-exports", "01/Mar/2024:07:10:00", "203.0.113.5", "-", "A6", "c.csv"),                 # 6 >1h back
            s3("dealer-exports", "01/Mar/2024:10:29:59", "203.0.113.5", "-", "A7", "d.csv"),                 # 7 jitter: kept
            s3("someone-else", "01/Mar/2024:10:31:00", "203.0.113.5", "-", "A8"),                             # 8 other bucket
            "not a log line at all",                                                                          # 9 too few fields
            s3("dealer-exports", "01/Mar/2024:10:40:00", "203.0.113.5", "-", "A10", "e.csv"),                # 10 good
        ]
        with open(os.path.join(d, s3name), "w") as f:
            f.write("\n".join(lines) + "\n")
        other = "2024-03-01-11-06-00-OTHERBUCKET00001"
        with open(os.path.join(d, other), "w") as f:
            for i in range(5):
                f.write(s3("someone-else", "01/Mar/2024:10:%02d:00" % i, "198.51.100.1", "-", "B%d" % i) + "\n")
        # CloudTrail: truncated gzip, not JSON, JSON that breaks off
        rec = {"eventTime": "2024-03-01T12:01:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
               "userIdentity": {"type": "AWSAccount", "accountId": "ANONYMOUS_PRINCIPAL"},
               "sourceIPAddress": "192.0.2.44", "requestParameters": {"bucketName": "dealer-exports", "key": "z.csv"},
               "additionalEventData": {"bytesTransferredOut": 5}, "requestID": "CT1"}
        data = gzip.compress(json.dumps({"Records": [rec] * 400}).encode())
        trunc = "111122223333_CloudTrail_us-east-1_20240301T1205Z_TRUNCATED0000001.json.gz"
        with open(os.path.join(d, trunc), "wb") as f:
            f.write(data[: len(data) // 2])
        notjson = "111122223333_CloudTrail_us-east-1_20240301T1305Z_NOTJSON000000001.json.gz"
        with open(os.path.join(d, notjson), "wb") as f:
            f.write(gzip.compress(b"<html><body>503 Service Unavailable</body></html>\n"))
        broken = "111122223333_CloudTrail_us-east-1_20240301T1405Z_BROKENJSON000001.json"
        with open(os.path.join(d, broken), "w") as f:
            f.write('{"Records":[' + json.dumps({**rec, "eventTime": "2024-03-01T14:01:00Z", "requestID": "CT2"}) +
                    ',{"eventTime": "2024-03-01T14:02:00Z", "eventSource": ]}')
        nd = "lake-export.ndjson"
        with open(os.path.join(d, nd), "w") as f:
            f.write(json.dumps({**rec, "eventTime": "2024-03-01T15:01:00Z", "requestID": "CT3"}) + "\n")
            f.write('{"eventTime": "2024-03-01T15:02:00Z", "eventName": "GetObject", oops}\n')
            f.write(json.dumps({**rec, "eventTime": "2024-03-01T15:03:00Z", "requestID": "CT4"}) + "\n")
        inputs = [s3name, other, trunc, notjson, broken, nd]
        p = subprocess.run([binary, "investigate", "--format", "json", "--resource", "dealer-exports",
                            "--org-accounts", "111122223333", "--window", "2024-03-01T10:00:00Z..2024-03-01T16:00:00Z",
                            *inputs], cwd=d, capture_output=True, text=True, timeout=120)
        check(p.returncode == 2, "exit code %d, expected 2 (an input could not be read)" % p.returncode)
        out = json.loads(p.stdout)
        pr = problems_for(out, s3name)
        lines_reported = sorted(x["line"] for x in pr if x["level"] == "error")
        check(lines_reported == [2, 3, 4, 6, 9], "S3 log: error lines %s, expected [2, 3, 4, 6, 9]" % lines_reported)
        msg = {x["line"]: x["message"] for x in pr}
        check("quote" in msg.get(2, ""), "line 2 message: %r" % msg.get(2))
        check("bracket" in msg.get(3, "") or "'['" in msg.get(3, ""), "line 3 message: %r" % msg.get(3))
        check("longer than the limit" in msg.get(4, ""), "line 4 message: %r" % msg.get(4))
        check("earlier" in msg.get(6, ""), "line 6 message: %r" % msg.get(6))
        warn = [x for x in pr if x["level"] == "warning"]
        check(any(x["line"] == 8 and "someone-else" in x["message"] for x in warn),
              "the other bucket's record is not reported at line 8: %s" % warn)
        po = problems_for(out, other)
        check(len(po) == 1 and po[0]["line"] == 1 and "5 records of 'someone-else'" in po[0]["message"],
              "another bucket's log: %s" % po)
        pt = problems_for(out, trunc)
        check(pt and "truncated" in pt[0]["message"].lower() or pt and "end" in pt[0]["message"],
              "truncated gzip: %s" % pt)
        pn = problems_for(out, notjson)
        check(len(pn) == 1 and pn[0]["line"] == 1, "not JSON: %s" % pn)
        pb = problems_for(out, broken)
        check(len(pb) >= 1 and pb[0]["line"] == 1 and "column" in pb[0]["message"], "broken JSON: %s" % pb)
        pd = problems_for(out, nd)
        check([x["line"] for x in pd] == [2], "NDJSON bad line: %s" % pd)
        # good records around the bad ones still count
        anon = {a["id"]: a for a in out["actors"]}
        a = anon.get("203.0.113.5")
        check(a is not None and a["objects_read"] == ["a.csv", "b.csv", "d.csv", "e.csv"],
              "S3 good records: %s" % (a and a["objects_read"]))
        b = anon.get("192.0.2.44")
        check(b is not None and "z.csv" in b["objects_read"], "CloudTrail good records: %s" % b)
        src = {s["source"]: s for s in out["coverage"]["sources"]}
        check(src["s3-access-log"]["records_unreadable"] == 5,
              "S3 unreadable records %s, expected 5" % src["s3-access-log"]["records_unreadable"])
        check(src["s3-access-log"]["bytes_unreadable"] >= 10 * 1024 * 1024, "S3 unreadable bytes %s" %
              src["s3-access-log"]["bytes_unreadable"])
        ct = src["cloudtrail"]
        check(ct["files"] == 4 and ct["files_unreadable"] >= 2, "CloudTrail files %s unreadable %s" %
              (ct["files"], ct["files_unreadable"]))
        check(ct["records_unreadable"] >= 3, "CloudTrail unreadable records %s" % ct["records_unreadable"])
        gaps = [(g["source"], g["from"], g["kind"]) for g in out["gaps"]]
        check(("cloudtrail", "2024-03-01T13:00:00Z", "unreadable") in gaps, "no unreadable gap for the not-JSON file's hour: %s" % gaps)
        check(out["summary"]["files_unrecognised"] == 1, "unrecognised %s" % out["summary"]["files_unrecognised"])
        # stderr names file:line for each
        check("%s:2:" % s3name in p.stderr and "%s:4:" % s3name in p.stderr, "stderr lacks file:line")
    print("%d passed, %d failed" % (0 if fails else 1, 1 if fails else 0))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
