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

ROOT = os.environ.get("CW_SOURCE_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
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


def run(binary, d, inputs, window, extra=()):
    p = subprocess.run([binary, "investigate", "--format", "json", *extra, "--window", window, *inputs],
                       cwd=d, capture_output=True, text=True, timeout=120)
    return p, json.loads(p.stdout)


def more_bad_input(binary):
    """Gzip S3 logs that break off or hold a 10 MB line, a 10 MB CloudTrail Lake
    line, an empty CloudTrail file, broken GCS and Azure lines."""
    cases = os.path.join(ROOT, "tests", "forensics", "cases")
    with tempfile.TemporaryDirectory() as d:
        # a gzip S3 log of 3000 requests cut in half: the complete lines count, the
        # line the break cuts is reported once, with its number
        lines = [s3("dealer-exports", "01/Mar/2024:10:%02d:%02d" % (i // 60, i % 60), "203.0.113.9", "-",
                    "T%d" % i, "k%05d.csv" % i) for i in range(3000)]
        text = ("\n".join(lines) + "\n").encode()
        data = gzip.compress(text)
        trunc = "2024-03-01-11-05-00-TRUNCATEDGZIP001.gz"
        with open(os.path.join(d, trunc), "wb") as f:
            f.write(data[: len(data) // 2])
        complete = zlib_complete_lines(data[: len(data) // 2])
        p, out = run(binary, d, [trunc], "2024-03-01T10:00:00Z..2024-03-01T12:00:00Z", ["--resource", "dealer-exports"])
        check(p.returncode == 2, "truncated S3 gzip: exit code %d, expected 2" % p.returncode)
        pr = problems_for(out, trunc)
        check(len(pr) == 1 and pr[0]["line"] == complete + 1 and "truncated" in pr[0]["message"],
              "truncated S3 gzip: problems %s, expected one at line %d" % (pr, complete + 1))
        a = {x["id"]: x for x in out["actors"]}.get("203.0.113.9")
        check(a is not None and len(a["objects_read"]) == complete,
              "truncated S3 gzip: %s objects read, expected the %d complete lines" % (a and len(a["objects_read"]), complete))
        src = {x["source"]: x for x in out["coverage"]["sources"]}["s3-access-log"]
        check(src["files_unreadable"] == 1 and src["records_unreadable"] == 1 and src["bytes_unreadable"] > 0,
              "truncated S3 gzip: coverage %s" % src)
        check({"source": "s3-access-log", "from": "2024-03-01T11:00:00Z", "to": "2024-03-01T12:00:00Z",
               "kind": "unreadable", "hours": 1} in out["gaps"], "truncated S3 gzip: gaps %s" % out["gaps"])

        # 10 MB lines inside a gzip S3 log and a CloudTrail Lake export
        big = "2024-03-01-10-35-00-TENMEGABYTELINE1.gz"
        with open(os.path.join(d, big), "wb") as f:
            f.write(gzip.compress(("\n".join([lines[0], "y" * (10 << 20), lines[1]]) + "\n").encode()))
        rec = {"eventVersion": "1.09", "eventTime": "2024-03-01T10:01:00Z", "eventSource": "s3.amazonaws.com",
               "eventName": "GetObject", "userIdentity": {"type": "AWSAccount", "accountId": "ANONYMOUS_PRINCIPAL"},
               "sourceIPAddress": "192.0.2.44", "userAgent": "curl/8.5.0",
               "requestParameters": {"bucketName": "dealer-exports", "key": "z.csv"},
               "additionalEventData": {"bytesTransferredOut": 5}, "requestID": "CT1", "eventCategory": "Data"}
        lake = "lake-big.ndjson"
        with open(os.path.join(d, lake), "w") as f:
            for r in (rec, dict(rec, requestID="CTBIG", userAgent="u" * (10 << 20)),
                      dict(rec, requestID="CT3", eventTime="2024-03-01T10:09:00Z", requestParameters={
                          "bucketName": "dealer-exports", "key": "y.csv"})):
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
        empty = "111122223333_CloudTrail_us-east-1_20240301T1005Z_EMPTYFILE0000001.json"
        open(os.path.join(d, empty), "w").close()
        p, out = run(binary, d, [big, lake, empty], "2024-03-01T10:00:00Z..2024-03-01T11:00:00Z",
                     ["--resource", "dealer-exports"])
        pb = problems_for(out, big)
        check([(x["line"], "longer than the limit" in x["message"]) for x in pb] == [(2, True)], "10 MB gzip line: %s" % pb)
        pl = problems_for(out, lake)
        check([(x["line"], "longer than the limit" in x["message"]) for x in pl] == [(2, True)], "10 MB NDJSON line: %s" % pl)
        pe = problems_for(out, empty)
        check(len(pe) == 1 and pe[0]["line"] == 1 and "empty" in pe[0]["message"], "empty CloudTrail file: %s" % pe)
        a = {x["id"]: x for x in out["actors"]}
        check(a.get("203.0.113.9", {}).get("objects_read") == ["k00000.csv", "k00001.csv"],
              "lines around the 10 MB gzip line: %s" % a.get("203.0.113.9"))
        check(a.get("192.0.2.44", {}).get("objects_read") == ["y.csv", "z.csv"],
              "lines around the 10 MB NDJSON line: %s" % a.get("192.0.2.44"))
        src = {x["source"]: x for x in out["coverage"]["sources"]}
        check(src["s3-access-log"]["records_unreadable"] == 1 and src["s3-access-log"]["bytes_unreadable"] >= 10 << 20,
              "10 MB gzip line not counted: %s" % src["s3-access-log"])
        check(src["cloudtrail"]["records_unreadable"] == 1 and src["cloudtrail"]["bytes_unreadable"] >= 10 << 20
              and src["cloudtrail"]["files_unreadable"] == 1, "10 MB NDJSON line / empty file not counted: %s" % src["cloudtrail"])

        # a broken line in a GCS usage log and in an Azure Storage Analytics log
        gcs_name = "usage_2024_05_01_07_00_00_00a1b2_v0"
        gl = open(os.path.join(cases, "gcs", gcs_name)).read().splitlines()
        gl.insert(2, gl[2].replace('"curl/8.5.0"', '"curl/8.5.0'))
        with open(os.path.join(d, gcs_name), "w") as f:
            f.write("\n".join(gl) + "\n")
        p, out = run(binary, d, [gcs_name], "2024-05-01T07:00:00Z..2024-05-01T08:00:00Z",
                     ["--resource", "gs://dealer-archive", "--trusted-ips", "10.128.0.0/9"])
        pg = problems_for(out, gcs_name)
        check([x["line"] for x in pg] == [3] and "unbalanced" in pg[0]["message"], "GCS broken line: %s" % pg)
        ga = {x["id"]: x for x in out["actors"]}.get("203.0.113.77")
        check(ga is not None and ga["objects_read"] == ["customers.csv"], "GCS lines around the broken one: %s" % ga)
        az_name = "storage-analytics.log"
        al = open(os.path.join(cases, "azure", az_name)).read().splitlines()
        al.insert(1, al[1].replace('"/myaccount/thumbnails"', '"/myaccount/thumbnails'))
        with open(os.path.join(d, az_name), "w") as f:
            f.write("\n".join(al) + "\n")
        p, out = run(binary, d, [az_name], "2011-08-09T21:00:00Z..2011-08-09T22:00:00Z",
                     ["--resource", "https://myaccount.blob.core.windows.net/thumbnails", "--org-accounts",
                      "72f988bf-86f1-41af-91ab-2d7cd011db47"])
        pa = problems_for(out, az_name)
        check([x["line"] for x in pa] == [2] and "unbalanced" in pa[0]["message"], "Azure broken line: %s" % pa)
        src = {x["source"]: x for x in out["coverage"]["sources"]}
        check(src["azure-storage-log"]["records_unreadable"] == 1, "Azure unreadable: %s" % src)
        check(any(x["kind"] == "anonymous" for x in out["actors"]), "Azure lines around the broken one: %s" % out["actors"])


def zlib_complete_lines(partial_gzip):
    """How many whole lines the readable part of a cut gzip stream holds."""
    import zlib
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return z.decompress(partial_gzip).count(b"\n")


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
        check(len(pn) == 1 and pn[0]["line"] == 1 and "not JSON" in pn[0]["message"] and "'<'" in pn[0]["message"],
              "not JSON: %s" % pn)
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
    more_bad_input(binary)
    print("%d passed, %d failed" % (0 if fails else 1, 1 if fails else 0))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
