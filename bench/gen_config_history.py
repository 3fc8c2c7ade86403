#!/usr/bin/env python3
"""Generate AWS Config history files: a series of changes to the items of a snapshot
(from gen_aws_snapshot.py), delivered as AWS Config delivers history to S3.

Each change copies a resource's current item, changes what exposure depends on and gives it
a later capture time (millisecond precision, increasing, random gaps) and its own
configurationStateId (the capture's epoch milliseconds, a string in 1.2 items as AWS writes
them): S3 buckets gain or lose a public-read bucket policy (JSON in a string) or an AllUsers
READ grant; security groups have their first ingress rule opened to 0.0.0.0/0 or closed to
a 10.x range; an account's S3 public access block is switched off or on (every bucket of
the account changes with it); RDS instances toggle publiclyAccessible. Files are compact
single-line gzip JSON, one per account, region, resource type and 6-hour delivery window,
items newest first, named as AWS names them:
  ACCOUNT_Config_REGION_ConfigHistory_TYPE_START_END_1.json.gz

Deterministic: the same snapshot, --changes and --seed give the same files.

    python3 bench/gen_aws_snapshot.py -n 20000 --seed 7 --compact -o snap.json
    python3 bench/gen_config_history.py --snapshot snap.json --changes 2000 --seed 7 -o hist/
"""
import argparse
import collections
import copy
import datetime as dt
import gzip
import json
import os
import random

MIX = [("AWS::S3::Bucket", 60), ("AWS::EC2::SecurityGroup", 25), ("AWS::RDS::DBInstance", 10),
       ("AWS::S3::AccountPublicAccessBlock", 5)]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def parse(s):
    return dt.datetime.strptime(s[:23] + "Z", "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def acct_of(it):
    return it.get("awsAccountId") or it.get("accountId")


def public_policy(name):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % name}]}, separators=(",", ":"))


def change(r, it):
    t = it["resourceType"]
    conf = it.get("configuration") or {}
    supp = it.get("supplementaryConfiguration") or {}
    if t == "AWS::S3::Bucket":
        if r.random() < 0.6:
            pol = supp.get("BucketPolicy") or {}
            pol["policyText"] = None if pol.get("policyText") else public_policy(it["resourceId"])
            supp["BucketPolicy"] = pol
        else:
            acl = json.loads(supp.get("AccessControlList") or '{"grantList":[]}') \
                if isinstance(supp.get("AccessControlList"), str) else (supp.get("AccessControlList") or {})
            grants = acl.get("grantList") or []
            public = [g for g in grants if g.get("grantee") == "AllUsers"]
            if public:
                acl["grantList"] = [g for g in grants if g.get("grantee") != "AllUsers"]
            else:
                acl["grantList"] = grants + [{"grantee": "AllUsers", "permission": "Read"}]
            supp["AccessControlList"] = json.dumps(acl, separators=(",", ":"))
    elif t == "AWS::EC2::SecurityGroup":
        perms = conf.get("ipPermissions") or []
        if not perms:
            perms.append({"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "userIdGroupPairs": [],
                          "ipv6Ranges": [], "prefixListIds": [], "ipRanges": []})
        p = perms[0]
        opened = "0.0.0.0/0" in (p.get("ipRanges") or [])
        cidr = "10.%d.0.0/16" % r.randrange(256) if opened else "0.0.0.0/0"
        p["ipRanges"] = [cidr]
        if "ipv4Ranges" in p:
            p["ipv4Ranges"] = [{"cidrIp": cidr}]
        conf["ipPermissions"] = perms
    elif t == "AWS::RDS::DBInstance":
        conf["publiclyAccessible"] = not conf.get("publiclyAccessible", False)
    elif t == "AWS::S3::AccountPublicAccessBlock":
        on = not all(conf.get(k) for k in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy",
                                             "restrictPublicBuckets"))
        for k in ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"):
            conf[k] = on
    it["configuration"] = conf
    it["supplementaryConfiguration"] = supp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--snapshot", required=True, help="a snapshot from gen_aws_snapshot.py (JSON, .gz ok)")
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=float, default=14, help="the changes spread over this many days")
    ap.add_argument("-o", "--outdir", required=True)
    a = ap.parse_args()
    op = gzip.open if a.snapshot.endswith(".gz") else open
    with op(a.snapshot, "rt", encoding="utf-8") as f:
        items = json.load(f)["configurationItems"]
    r = random.Random(a.seed)
    cur = {}
    by_type = collections.defaultdict(list)
    start = None
    for it in items:
        if it.get("configurationItemStatus") == "ResourceDeleted":
            continue
        k = (it["resourceType"], it["resourceId"])
        cur[k] = it
        by_type[it["resourceType"]].append(k)
        t = parse(it["configurationItemCaptureTime"])
        start = t if start is None or t > start else start
    mix = [(t, w) for t, w in MIX if by_type[t]]
    types = [t for t, w in mix for _ in range(w)]
    t = start + dt.timedelta(minutes=5)
    step = a.days * 86400 / max(1, a.changes)
    files = collections.defaultdict(list)
    counts = collections.Counter()
    for _ in range(a.changes):
        t += dt.timedelta(milliseconds=max(1, int(r.expovariate(1 / (step * 1000)))))
        rtype = r.choice(types)
        k = r.choice(by_type[rtype])
        it = copy.deepcopy(cur[k])
        change(r, it)
        it["configurationItemCaptureTime"] = iso(t)
        sid = int(t.timestamp() * 1000)
        it["configurationStateId"] = str(sid) if "accountId" in it else sid
        it["configurationItemStatus"] = "OK"
        cur[k] = it
        counts[rtype] += 1
        w0 = t.replace(hour=t.hour - t.hour % 6, minute=0, second=0, microsecond=0)
        files[(acct_of(it), it.get("awsRegion", "us-east-1"), rtype, w0)].append(it)
    os.makedirs(a.outdir, exist_ok=True)
    for (acct, region, rtype, w0), its in sorted(files.items()):
        w1 = w0 + dt.timedelta(hours=6)
        name = "%s_Config_%s_ConfigHistory_%s_%s_%s_1.json.gz" % (
            acct, region, rtype, w0.strftime("%Y%m%dT%H%M%SZ"), w1.strftime("%Y%m%dT%H%M%SZ"))
        its.sort(key=lambda i: i["configurationItemCaptureTime"], reverse=True)
        with gzip.GzipFile(os.path.join(a.outdir, name), "wb", mtime=0) as f:
            f.write(json.dumps({"fileVersion": "1.0", "configurationItems": its},
                               separators=(",", ":"), ensure_ascii=False).encode())
    print(json.dumps({"changes": a.changes, "files": len(files), "by type": dict(counts),
                      "from": iso(start), "to": iso(t)}))


if __name__ == "__main__":
    main()
