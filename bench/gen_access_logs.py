#!/usr/bin/env python3
"""Generate S3 server access logs and CloudTrail log files with known truth.

The logs are written the way AWS delivers them: S3 server access log objects
named YYYY-mm-DD-HH-MM-SS-UNIQUE, one request a line, all 27 documented fields
(older-format lines without the trailing fields mixed in); CloudTrail files
as compact single-line gzip JSON {"Records":[...]} named
ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz, records in no order.

The scenario (a 72-hour window, 2024-03-01T00:00Z .. 2024-03-04T00:00Z):
  internal traffic  roles and users of the organisation's accounts, the bucket
                    owner's canonical id, presigned URLs used from a trusted
                    network, all from many addresses (some public)
  service           S3 lifecycle actions, an AWS service principal in CloudTrail
  anonymous bulk    203.0.113.45 lists the bucket (3 pages) then downloads
                    every object in full
  partial reads     198.51.100.77: ranged reads and an interrupted download
  denied            192.0.2.99: anonymous requests refused (403)
  outside account   arn:aws:iam::999988887777:user/mallory reads objects; each
                    request is in both the S3 log and CloudTrail (same id)
  presigned         a URL signed by an internal role used from 185.220.101.5
  gaps              S3 logging starts at 02:00 on day 1; no S3 log delivered
                    for 2024-03-03 02:00-05:00; CloudTrail data events start
                    at 06:00 on day 1 (management events every hour)

--truth FILE writes the expected result (actors, gaps, coverage) as JSON.
--scale N multiplies the internal traffic (for the benchmark: about 2 GB of
S3 access logs at --scale 2600), --only-s3 skips CloudTrail files.
"""
import argparse
import base64
import gzip
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

BUCKET = "dealer-exports"
OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
OWNER_ACCT = "111122223333"
ORG = ["111122223333", "444455556666"]
START = datetime(2024, 3, 1, tzinfo=timezone.utc)
HOURS = 72
S3_FIRST_HOUR = 2
S3_GAP = (50, 53)  # hours without an S3 log delivery
CT_DATA_FIRST_HOUR = 6
TRUSTED = "10.0.0.0/8"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

INTERNAL = [
    "arn:aws:sts::111122223333:assumed-role/etl-loader/i-0a1b2c3d4e5f",
    "arn:aws:iam::111122223333:user/backup",
    "arn:aws:sts::444455556666:assumed-role/analytics/session-7",
    OWNER,
]
UAS_INTERNAL = ["aws-sdk-java/2.20.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17", "aws-cli/2.15.0 Python/3.11.6",
                "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11"]


def s3_time(t):
    return "[%02d/%s/%04d:%02d:%02d:%02d +0000]" % (t.day, MONTHS[t.month - 1], t.year, t.hour, t.minute, t.second)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Gen:
    def __init__(self, seed, nobj):
        self.r = random.Random(seed)
        self.objects = []
        for i in range(nobj):
            self.objects.append(("customers/region-%02d/part-%05d.csv.gz" % (i % 7, i), self.r.randint(2000, 900000)))
        self.s3 = {}   # hour -> list of (time, line)
        self.ct = {}   # hour -> list of records
        self.nreq = 0

    def reqid(self):
        self.nreq += 1
        return "%016X" % (self.r.getrandbits(60) ^ self.nreq)

    def hostid(self):
        return base64.b64encode(self.r.getrandbits(456).to_bytes(57, "big")).decode()

    def s3line(self, t, ip, requester, op, key, status, err, sent, size, ua, auth="AuthHeader", rid=None,
               old=False, uri=None):
        rid = rid or self.reqid()
        if uri is None:
            method = op.split(".")[1]
            path = "/%s/%s" % (BUCKET, key) if key != "-" else "/%s?list-type=2&max-keys=1000" % BUCKET
            uri = "%s %s HTTP/1.1" % (method, path)
        f = [OWNER, BUCKET, s3_time(t), ip, requester, rid, op, key.replace(" ", "%20") if key != "-" else "-",
             '"%s"' % uri, str(status), err, str(sent) if sent else "-", str(size) if size is not None else "-",
             str(self.r.randint(5, 400)), str(self.r.randint(1, 60)), '"-"', '"%s"' % ua, "-"]
        if not old:
            f += [self.hostid(), "SigV4" if requester != "-" else "-", "TLS_AES_128_GCM_SHA256",
                  auth if requester != "-" else "-", "%s.s3.us-east-1.amazonaws.com" % BUCKET, "TLSv1.3", "-",
                  "-", "us-east-1"]
        line = " ".join(f)
        h = int((t - START).total_seconds() // 3600)
        self.s3.setdefault(h, []).append((t, line))
        return rid

    def ct_event(self, t, name, key, identity, ip, ua, rid, sent=None, auth="AuthHeader", error=None, size_in=None):
        rec = {
            "eventVersion": "1.09", "userIdentity": identity, "eventTime": iso(t), "eventSource": "s3.amazonaws.com",
            "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": ua,
            "requestParameters": {"bucketName": BUCKET, "Host": "%s.s3.us-east-1.amazonaws.com" % BUCKET},
            "responseElements": None,
            "additionalEventData": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                                    "bytesTransferredIn": size_in or 0, "AuthenticationMethod": auth,
                                    "x-amz-id-2": self.hostid(), "bytesTransferredOut": sent or 0},
            "requestID": rid, "eventID": "%08x-%04x-%04x-%04x-%012x" % tuple(
                self.r.getrandbits(b) for b in (32, 16, 16, 16, 48)),
            "readOnly": name.startswith(("Get", "List", "Head")),
            "resources": [{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + BUCKET, "accountId": OWNER_ACCT}],
            "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": OWNER_ACCT,
            "eventCategory": "Data",
        }
        if key:
            rec["requestParameters"]["key"] = key
            rec["resources"].insert(0, {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (BUCKET, key)})
        if error:
            rec["errorCode"] = error
            rec["errorMessage"] = "Access Denied"
        h = int((t - START).total_seconds() // 3600)
        if h >= CT_DATA_FIRST_HOUR:
            self.ct.setdefault(h, []).append(rec)

    def management(self, h):
        t = START + timedelta(hours=h, minutes=self.r.randint(0, 59))
        self.ct.setdefault(h, []).append({
            "eventVersion": "1.09", "eventTime": iso(t), "eventSource": "ec2.amazonaws.com",
            "eventName": "DescribeInstances", "awsRegion": "us-east-1", "sourceIPAddress": "10.4.5.6",
            "userAgent": "aws-cli/2.15.0", "userIdentity": {"type": "AssumedRole", "accountId": OWNER_ACCT,
                                                          "arn": INTERNAL[0]},
            "requestID": self.reqid(), "eventType": "AwsApiCall", "managementEvent": True,
            "recipientAccountId": OWNER_ACCT, "eventCategory": "Management"})

    def at(self, h, minute=None):
        return START + timedelta(hours=h, minutes=self.r.randint(0, 59) if minute is None else minute,
                                 seconds=self.r.randint(0, 59))


def internal_identity(p):
    if p == OWNER:
        return {"type": "Root", "principalId": OWNER_ACCT, "arn": "arn:aws:iam::%s:root" % OWNER_ACCT,
                "accountId": OWNER_ACCT}
    acct = p.split(":")[4]
    return {"type": "AssumedRole" if ":assumed-role/" in p else "IAMUser", "principalId": "AROAEXAMPLE:" + p[-6:],
            "arn": p, "accountId": acct}


def internal_hour(g, h, scale, ct_fraction):
    """The organisation's own traffic and the services' in hour h."""
    r = g.r
    g.management(h)
    for _ in range(int(40 * scale)):
        t = g.at(h)
        p = r.choice(INTERNAL)
        key, size = r.choice(g.objects)
        ip = r.choice(["10.1.%d.%d" % (r.randint(0, 255), r.randint(1, 254)), "54.239.%d.%d" % (
            r.randint(0, 255), r.randint(1, 254))])
        ua = r.choice(UAS_INTERNAL)
        roll = r.random()
        in_ct = ct_fraction >= 1 or r.random() < ct_fraction
        if roll < 0.6:
            rid = g.s3line(t, ip, p, "REST.GET.OBJECT", key, 200, "-", size, size, ua, old=roll < 0.05)
            if in_ct:
                g.ct_event(t, "GetObject", key, internal_identity(p), ip, ua, rid, sent=size)
        elif roll < 0.8:
            rid = g.s3line(t, ip, p, "REST.PUT.OBJECT", key, 200, "-", 0, size, ua)
            if in_ct:
                g.ct_event(t, "PutObject", key, internal_identity(p), ip, ua, rid, size_in=size)
        elif roll < 0.9:
            rid = g.s3line(t, ip, p, "REST.GET.BUCKET", "-", 200, "-", r.randint(300, 90000), None, ua)
            if in_ct:
                g.ct_event(t, "ListObjects", None, internal_identity(p), ip, ua, rid)
        else:  # presigned URL used from the trusted network
            rid = g.s3line(t, "10.20.%d.%d" % (r.randint(0, 255), r.randint(1, 254)), INTERNAL[0],
                           "REST.GET.OBJECT", key, 200, "-", size, size, "Mozilla/5.0", auth="QueryString")
            if in_ct:
                g.ct_event(t, "GetObject", key, internal_identity(INTERNAL[0]), "10.20.0.9", "Mozilla/5.0", rid,
                           sent=size, auth="QueryString")
    # S3 lifecycle (the service itself) and an AWS service principal in CloudTrail
    key, size = r.choice(g.objects)
    g.s3line(g.at(h), "-", "-", "S3.TRANSITION_SIA.OBJECT", key, 200, "-", 0, size, "-", uri="-")
    g.ct_event(g.at(h), "GetObject", key, {"type": "AWSService", "invokedBy": "s3.amazonaws.com"},
               "s3.amazonaws.com", "s3.amazonaws.com", g.reqid(), sent=size)


def build(g, truth):
    """The external actors (kept in memory: small) and the truth about them."""
    r = g.r
    actors = {}

    def actor(kind, ident):
        return actors.setdefault((kind, ident), {"id": ident, "kind": kind, "objects_read": set(),
                                                 "full_copies": set(), "listed": False, "denied": 0,
                                                 "bytes_sent": 0, "first": None, "last": None})

    def seen(a, t):
        a["first"] = iso(t) if a["first"] is None or iso(t) < a["first"] else a["first"]
        a["last"] = iso(t) if a["last"] is None or iso(t) > a["last"] else a["last"]

    # anonymous bulk download after a listing (hour 30)
    ip, ua = "203.0.113.45", "python-requests/2.31.0"
    a = actor("anonymous", ip)
    t = g.at(30, 0)
    for page in range(3):
        tt = t + timedelta(seconds=page)
        sent = r.randint(100000, 300000)
        rid = g.s3line(tt, ip, "-", "REST.GET.BUCKET", "-", 200, "-", sent, None, ua)
        g.ct_event(tt, "ListObjects", None, {"type": "AWSAccount", "principalId": "", "accountId":
                                             "ANONYMOUS_PRINCIPAL"}, ip, ua, rid)
        a["listed"] = True
        a["bytes_sent"] += sent
        seen(a, tt)
    for i, (key, size) in enumerate(g.objects):
        tt = t + timedelta(seconds=5 + i // 4)
        rid = g.s3line(tt, ip, "-", "REST.GET.OBJECT", key, 200, "-", size, size, ua)
        g.ct_event(tt, "GetObject", key, {"type": "AWSAccount", "principalId": "", "accountId":
                                          "ANONYMOUS_PRINCIPAL"}, ip, ua, rid, sent=size, auth=None)
        a["objects_read"].add(key)
        a["full_copies"].add(key)
        a["bytes_sent"] += size
        seen(a, tt)

    # partial reads (hour 31): ranged reads and one interrupted download
    ip, ua = "198.51.100.77", "Wget/1.21.3"
    a = actor("anonymous", ip)
    for i, (key, size) in enumerate(g.objects[:6]):
        tt = g.at(31)
        status, sent = (206, size // 3) if i < 5 else (200, size // 2)
        g.s3line(tt, ip, "-", "REST.GET.OBJECT", key, status, "-", sent, size, ua)
        a["objects_read"].add(key)
        a["bytes_sent"] += sent
        seen(a, tt)

    # denied (hour 32)
    ip, ua = "192.0.2.99", "curl/8.5.0"
    a = actor("anonymous", ip)
    for i in range(20):
        key, size = g.objects[r.randrange(len(g.objects))]
        tt = g.at(32)
        g.s3line(tt, ip, "-", "REST.GET.OBJECT", key, 403, "AccessDenied", 243, None, ua)
        a["denied"] += 1
        a["bytes_sent"] += 0
        seen(a, tt)

    # another AWS account (hour 40), each request in both sources
    p, ip, ua = "arn:aws:iam::999988887777:user/mallory", "91.198.174.192", "aws-cli/2.13.5 Python/3.11.4"
    a = actor("external-account", "999988887777")
    for key, size in g.objects[10:20]:
        tt = g.at(40)
        rid = g.s3line(tt, ip, p, "REST.GET.OBJECT", key, 200, "-", size, size, ua)
        g.ct_event(tt, "GetObject", key, {"type": "IAMUser", "principalId": "AIDAEXAMPLEMALLORY", "arn": p,
                                          "accountId": "999988887777", "userName": "mallory"}, ip, ua, rid, sent=size)
        a["objects_read"].add(key)
        a["full_copies"].add(key)
        a["bytes_sent"] += size
        seen(a, tt)
    truth["duplicates"] = 10 + 3 + len(g.objects) + 3  # mallory's, the anonymous listing and downloads, the presigned

    # a presigned URL signed by an internal role, used from outside (hour 45)
    ip, ua = "185.220.101.5", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
    a = actor("presigned-external", ip)
    for key, size in g.objects[30:33]:
        tt = g.at(45)
        rid = g.s3line(tt, ip, INTERNAL[0], "REST.GET.OBJECT", key, 200, "-", size, size, ua, auth="QueryString")
        g.ct_event(tt, "GetObject", key, internal_identity(INTERNAL[0]), ip, ua, rid, sent=size, auth="QueryString")
        a["objects_read"].add(key)
        a["full_copies"].add(key)
        a["bytes_sent"] += size
        seen(a, tt)

    truth["actors"] = sorted(
        ({**v, "objects_read": sorted(v["objects_read"]), "full_copies": sorted(v["full_copies"])}
         for v in actors.values()), key=lambda x: (x["kind"], x["id"]))
    truth["internal_principals"] = INTERNAL + ORG[1:]


def write(g, out, only_s3, truth, scale, ct_fraction):
    """Hour by hour: the hour's internal traffic joins the external requests of
    that hour, is written as the hour's log objects, and is dropped."""
    os.makedirs(os.path.join(out, "s3"), exist_ok=True)
    if not only_s3:
        os.makedirs(os.path.join(out, "cloudtrail"), exist_ok=True)
    r = g.r
    s3bytes = ctbytes = 0
    for h in range(HOURS):
        internal_hour(g, h, scale, ct_fraction)
        lines = g.s3.pop(h, [])
        if h >= S3_FIRST_HOUR and not S3_GAP[0] <= h < S3_GAP[1]:  # else not logged / not delivered
            lines.sort(key=lambda x: x[0])
            # delivery jitter: neighbours swapped (S3 does not promise order)
            for i in range(1, len(lines) - 1, 7):
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
            # one log object per ~20,000 records, named by delivery time
            for part in range(0, len(lines), 20000):
                t = START + timedelta(hours=h + 1, minutes=r.randint(0, 20), seconds=r.randint(0, 59))
                name = "%s-%016X" % (t.strftime("%Y-%m-%d-%H-%M-%S"), r.getrandbits(64))
                data = ("\n".join(l for _, l in lines[part:part + 20000]) + "\n").encode()
                s3bytes += len(data)
                with open(os.path.join(out, "s3", name), "wb") as f:
                    f.write(data)
        recs = g.ct.pop(h, [])
        if not only_s3 and recs:
            r.shuffle(recs)
            for part in range(0, len(recs), 5000):
                t = START + timedelta(hours=h, minutes=5 + part // 5000)
                name = "%s_CloudTrail_us-east-1_%s_%s.json.gz" % (OWNER_ACCT, t.strftime("%Y%m%dT%H%MZ"),
                                                                  "%016x" % r.getrandbits(64))
                data = json.dumps({"Records": recs[part:part + 5000]}, separators=(",", ":")).encode()
                ctbytes += len(data)
                with gzip.open(os.path.join(out, "cloudtrail", name), "wb", compresslevel=6) as f:
                    f.write(data)
    truth["cloudtrail_bytes"] = ctbytes
    truth["s3_bytes"] = s3bytes
    truth["window"] = "%s..%s" % (iso(START), iso(START + timedelta(hours=HOURS)))
    truth["resource"] = BUCKET
    truth["org_accounts"] = ORG
    truth["trusted_ips"] = TRUSTED
    gaps = [{"source": "s3-access-log", "from": iso(START), "to": iso(START + timedelta(hours=S3_FIRST_HOUR)),
             "kind": "before-logging"},
            {"source": "s3-access-log", "from": iso(START + timedelta(hours=S3_GAP[0])),
             "to": iso(START + timedelta(hours=S3_GAP[1])), "kind": "no-logs"}]
    if not only_s3:
        gaps.append({"source": "cloudtrail", "from": iso(START), "to": iso(START + timedelta(hours=CT_DATA_FIRST_HOUR)),
                     "kind": "before-logging"})
    truth["gaps"] = gaps
    covered = HOURS - (S3_FIRST_HOUR if not only_s3 else S3_FIRST_HOUR + S3_GAP[1] - S3_GAP[0])
    truth["hours"] = HOURS
    truth["hours_covered"] = covered


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--objects", type=int, default=120)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only-s3", action="store_true")
    ap.add_argument("--ct-fraction", type=float, default=1.0,
                    help="share of the internal requests also written to CloudTrail (default all)")
    a = ap.parse_args()
    g = Gen(a.seed, a.objects)
    truth = {}
    build(g, truth)
    write(g, a.out, a.only_s3, truth, a.scale, a.ct_fraction)
    if a.truth:
        with open(a.truth, "w") as f:
            json.dump(truth, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
