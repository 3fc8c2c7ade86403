#!/usr/bin/env python3
"""Generate a realistic AWS Config configuration snapshot for benchmarks and
large-input tests.

Output: {"fileVersion": "1.0", "configSnapshotId": ..., "configurationItems": [...]},
pretty-printed (2 spaces) or compact (the whole file on one line, as AWS Config
delivers snapshots), optionally gzip; one pass can write several layouts of the
same items (--out LAYOUT=PATH, repeatable). Items follow the shapes of the real
items in ../shared/corpora/aws-config-rdk-example-ci/: mostly the 1.3 shape
(configurationItemVersion, awsAccountId, ARN, numeric configurationStateId),
about 15% the 1.2 shape (version, accountId, arn). S3 ACLs and bucket policies
are JSON inside strings, as AWS Config writes them.

The mix (by item count): S3 buckets, security groups, EC2 instances, EBS
volumes, RDS instances and snapshots, Redshift clusters, DynamoDB tables, IAM
users, plus one AWS::S3::AccountPublicAccessBlock per account. A realistic
minority is exposed: public ACL grants, public / VPC-endpoint-restricted /
org-restricted / Deny-neutralised bucket policies, public access blocks on
some buckets and accounts, security groups open to 0.0.0.0/0 on 22 or 3306
(also as 0.0.0.0/1 + 128.0.0.0/1, and ::/0), instances with public IPs,
publicly accessible RDS and Redshift, RDS snapshots restorable by all.

Deterministic: the same --items and --seed give the same bytes.
Counts of what was planted go to stderr with --stats (JSON).

    python3 bench/gen_aws_snapshot.py --items 200000 --seed 7 -o snap.json
    python3 bench/gen_aws_snapshot.py -n 5000 -o snap.json.gz     # gzip by suffix
    python3 bench/gen_aws_snapshot.py -n 200000 --seed 7 --out pretty=p.json \
        --out compact=c.json --out compact=c.json.gz             # same items, three files
"""
import argparse
import collections
import datetime as dt
import gzip
import hashlib
import io
import json
import random
import sys
import uuid

REGIONS = [("us-east-1", 30), ("us-west-2", 14), ("eu-west-1", 14), ("eu-central-1", 10),
           ("ap-southeast-2", 9), ("ap-northeast-1", 8), ("ca-central-1", 5), ("sa-east-1", 4),
           ("eu-west-2", 6)]
# share of items per resource type (the account blocks come on top)
MIX = [("AWS::S3::Bucket", 18), ("AWS::EC2::SecurityGroup", 15), ("AWS::EC2::Instance", 14),
       ("AWS::EC2::Volume", 15), ("AWS::RDS::DBInstance", 7), ("AWS::RDS::DBSnapshot", 7),
       ("AWS::Redshift::Cluster", 3), ("AWS::DynamoDB::Table", 9), ("AWS::IAM::User", 12)]

WORDS = ["orders", "billing", "payments", "analytics", "customer", "invoices", "crm", "hr",
         "payroll", "marketing", "clickstream", "reports", "backup", "archive", "media",
         "uploads", "exports", "dealer", "claims", "patients", "telemetry", "ml-features",
         "static-site", "assets", "logs", "audit", "data-lake", "warehouse", "etl", "staging"]
ENVS = ["prod", "staging", "dev", "qa", "sandbox"]
TEAMS = ["platform", "data", "web", "mobile", "finance", "security", "growth", "ops"]
CLASSES = ["public", "internal", "confidential", "restricted", "pii"]
FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]
LAST = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas",
        "taylor", "moore", "martin", "lee", "perez", "white", "harris", "clark", "lewis"]
ENGINES = [("mysql", "8.0.35", 3306), ("postgres", "15.4", 5432), ("mariadb", "10.11.5", 3306),
           ("aurora-mysql", "8.0.mysql_aurora.3.04.0", 3306), ("oracle-ee", "19.0.0.0.ru-2023-10.rur-2023-10.r1", 1521),
           ("sqlserver-se", "15.00.4335.1.v1", 1433)]
OPEN_DB_PORTS = [3306, 5432, 1433, 1521, 6379, 9200, 27017, 5439]
CORP_CIDRS = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "10.0.0.0/8", "172.16.0.0/12"]


class Gen:
    def __init__(self, n, seed, accounts):
        self.r = random.Random(seed)
        self.n = n
        self.stats = collections.Counter()
        self.base = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
        na = accounts or max(2, min(40, n // 20000))
        self.accounts = [str(100000000000 + self.r.randrange(899999999999)) for _ in range(na)]
        w = [1.0 / (i + 1) for i in range(na)]  # a few big accounts, a long tail
        self.acct_w = w
        self.canon = {a: self.hex(64) for a in self.accounts}
        self.org = "o-" + self.alnum(10)
        self.vpcs = {}
        self.kms = {}
        self.seq = 0

    # ---- small helpers ---------------------------------------------------
    def hex(self, k):
        return "%0*x" % (k, self.r.getrandbits(4 * k))

    def alnum(self, k, chars="abcdefghijklmnopqrstuvwxyz0123456789"):
        return "".join(self.r.choice(chars) for _ in range(k))

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def p(self, x):
        return self.r.random() < x

    def pick(self, pairs):
        items, weights = zip(*pairs)
        return self.r.choices(items, weights)[0]

    def account(self):
        return self.r.choices(self.accounts, self.acct_w)[0]

    def region(self):
        return self.pick(REGIONS)

    def time(self, days_back_max, days_back_min=0):
        ms = self.r.randrange(days_back_min * 86400000, days_back_max * 86400000 + 1)
        return self.base - dt.timedelta(milliseconds=ms)

    @staticmethod
    def iso(t, ms=True):
        s = t.strftime("%Y-%m-%dT%H:%M:%S")
        return s + (".%03dZ" % (t.microsecond // 1000) if ms else ".000Z")

    def vpc(self, acct, region):
        k = (acct, region)
        if k not in self.vpcs:
            self.vpcs[k] = ["vpc-" + self.hex(17) for _ in range(self.r.randint(1, 4))]
        return self.r.choice(self.vpcs[k])

    def kms_key(self, acct, region):
        k = (acct, region)
        if k not in self.kms:
            self.kms[k] = ["arn:aws:kms:%s:%s:key/%s" % (region, acct, self.uid()) for _ in range(3)]
        return self.r.choice(self.kms[k])

    def tags(self, name=None):
        t = {}
        if self.p(0.85):
            t["env"] = self.r.choice(ENVS)
        if self.p(0.7):
            t["team"] = self.r.choice(TEAMS)
        if self.p(0.4):
            t["data-classification"] = self.r.choice(CLASSES)
        if self.p(0.3):
            t["cost-center"] = "cc-%04d" % self.r.randrange(10000)
        if name and self.p(0.6):
            t["Name"] = name
        return t

    @staticmethod
    def tag_list(tags):
        return [{"key": k, "value": v} for k, v in tags.items()]

    def name(self, sep="-"):
        self.seq += 1
        return sep.join([self.r.choice(WORDS), self.r.choice(ENVS), "%d" % self.seq])

    # ---- the configuration item envelope ---------------------------------
    def envelope(self, acct, region, rtype, rid, rname, arn, az, created, tags, rels, conf, supp,
                 status=None):
        capture = self.time(60)
        if created and created > capture:
            created = capture - dt.timedelta(hours=1)
        status = status or self.pick([("OK", 80), ("ResourceDiscovered", 20)])
        if status == "ResourceDeleted":
            conf, supp, rels = None, {}, []
        state_id = int(capture.timestamp() * 1000)
        if self.p(0.85):  # 1.3 shape (the S3 corpus item's key order)
            self.stats["shape 1.3"] += 1
            d = {"relatedEvents": [], "relationships": rels, "configuration": conf,
                 "supplementaryConfiguration": supp, "tags": tags,
                 "configurationItemVersion": "1.3",
                 "configurationItemCaptureTime": self.iso(capture),
                 "configurationStateId": state_id, "awsAccountId": acct,
                 "configurationItemStatus": status, "resourceType": rtype, "resourceId": rid}
            if rname is not None:
                d["resourceName"] = rname
            if arn is not None:
                d["ARN"] = arn
            d["awsRegion"] = region
            d["availabilityZone"] = az
            d["configurationStateMd5Hash"] = ""
            if created:
                d["resourceCreationTime"] = self.iso(created)
            return d
        self.stats["shape 1.2"] += 1
        d = {"version": "1.2", "accountId": acct,
             "configurationItemCaptureTime": self.iso(capture),
             "configurationItemStatus": status, "configurationStateId": str(state_id),
             "configurationItemMD5Hash": hashlib.md5(rid.encode()).hexdigest()}
        if arn is not None:
            d["arn"] = arn
        d["resourceType"] = rtype
        d["resourceId"] = rid
        if rname is not None:
            d["resourceName"] = rname
        d["awsRegion"] = region
        d["availabilityZone"] = az
        if created:
            d["resourceCreationTime"] = self.iso(created)
        d["tags"] = tags
        d["relatedEvents"] = [self.uid()] if self.p(0.3) else []
        d["relationships"] = rels
        d["configuration"] = conf
        d["supplementaryConfiguration"] = supp
        return d

    def status(self):
        if self.p(0.005):
            self.stats["deleted"] += 1
            return "ResourceDeleted"
        return None

    # ---- planning: pools that other resources refer to --------------------
    def plan(self):
        self.nblocks = len(self.accounts)
        rest = max(0, self.n - self.nblocks)
        total_w = sum(w for _, w in MIX)
        counts = {t: rest * w // total_w for t, w in MIX}
        counts["AWS::S3::Bucket"] += rest - sum(counts.values())
        self.counts = counts
        # security groups: (account, region, vpc, id, profile)
        self.sgs = []
        self.sg_by_ar = collections.defaultdict(list)
        for i in range(counts["AWS::EC2::SecurityGroup"]):
            a, rg = self.account(), self.region()
            prof = self.pick([("web", 30), ("private", 40), ("ssh-corp", 12), ("ssh-open", 7),
                              ("db-open", 3), ("split-open", 1.5), ("ipv6-open", 2.5), ("all-open", 2),
                              ("egress-only", 2)])
            sg = (a, rg, self.vpc(a, rg), "sg-" + self.hex(17), prof)
            self.sgs.append(sg)
            self.sg_by_ar[(a, rg)].append(i)
        # instances: (account, region, az, id, vpc)
        self.instances = []
        for _ in range(counts["AWS::EC2::Instance"]):
            a, rg = self.account(), self.region()
            self.instances.append((a, rg, rg + self.r.choice("abc"), "i-" + self.hex(17), self.vpc(a, rg)))
        self.db_ids = []
        tasks = [(t, i) for t, c in counts.items() for i in range(c)]
        tasks += [("AWS::S3::AccountPublicAccessBlock", i) for i in range(self.nblocks)]
        self.r.shuffle(tasks)
        return tasks

    def sgs_for(self, acct, region, k):
        pool = self.sg_by_ar.get((acct, region))
        if not pool:
            return []
        return [self.sgs[i] for i in self.r.sample(pool, min(k, len(pool)))]

    # ---- S3 -------------------------------------------------------------------
    def acl(self, acct, name):
        owner = {"displayName": None, "id": self.canon[acct]}
        grants = [{"grantee": {"id": self.canon[acct], "displayName": None}, "permission": "FullControl"}]
        kind = self.pick([("private", 86), ("public-read", 6), ("public-write", 1), ("auth-read", 2),
                          ("log-delivery", 5)])
        self.stats["s3 acl " + kind] += 1
        if kind == "public-read":
            grants.append({"grantee": "AllUsers", "permission": "Read"})
        elif kind == "public-write":
            grants.append({"grantee": "AllUsers", "permission": "Write"})
            grants.append({"grantee": "AllUsers", "permission": "Read"})
        elif kind == "auth-read":
            grants.append({"grantee": "AuthenticatedUsers", "permission": "Read"})
        elif kind == "log-delivery":
            grants.append({"grantee": "LogDelivery", "permission": "Write"})
            grants.append({"grantee": "LogDelivery", "permission": "ReadAcp"})
        return json.dumps({"grantSet": None, "grantList": grants, "owner": owner,
                           "isRequesterCharged": False}, separators=(",", ":"))

    def policy(self, acct, name):
        res = "arn:aws:s3:::" + name
        kind = self.pick([("none", 48), ("tls-only", 15), ("public-read", 5), ("vpce", 5),
                          ("org", 5), ("deny-neutralised", 4), ("cross-account", 7),
                          ("cloudfront", 6), ("source-ip", 3), ("public-list", 2)])
        self.stats["s3 policy " + kind] += 1
        if kind == "none":
            return None
        st = []
        sid = "Stmt%d" % self.r.randrange(10 ** 12, 10 ** 13)
        if kind == "tls-only":
            st.append({"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [res, res + "/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        elif kind == "public-read":
            st.append({"Sid": "PublicReadGetObject", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": res + "/*"})
        elif kind == "public-list":
            st.append({"Sid": sid, "Effect": "Allow", "Principal": {"AWS": "*"},
                       "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [res, res + "/*"]})
        elif kind == "vpce":
            st.append({"Sid": "AllowFromVpce", "Effect": "Allow", "Principal": "*",
                       "Action": ["s3:GetObject", "s3:PutObject"], "Resource": res + "/*",
                       "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-" + self.hex(17)}}})
        elif kind == "org":
            st.append({"Sid": "AllowOrg", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": res + "/*",
                       "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org}}})
        elif kind == "deny-neutralised":
            # public Allow, then a Deny for everyone outside one VPC endpoint
            vpce = "vpce-" + self.hex(17)
            st.append({"Sid": "AllowRead", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": res + "/*"})
            st.append({"Sid": "DenyOutsideVpce", "Effect": "Deny", "Principal": "*",
                       "Action": "s3:*", "Resource": [res, res + "/*"],
                       "Condition": {"StringNotEquals": {"aws:SourceVpce": vpce}}})
        elif kind == "cross-account":
            other = self.r.choice([x for x in self.accounts if x != acct] or ["999988887777"])
            if self.p(0.4):
                other = str(100000000000 + self.r.randrange(899999999999))  # outside the org
            st.append({"Sid": sid, "Effect": "Allow",
                       "Principal": {"AWS": ["arn:aws:iam::%s:root" % other]},
                       "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [res, res + "/*"]})
        elif kind == "cloudfront":
            st.append({"Sid": "AllowCloudFrontServicePrincipal", "Effect": "Allow",
                       "Principal": {"Service": "cloudfront.amazonaws.com"},
                       "Action": "s3:GetObject", "Resource": res + "/*",
                       "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::%s:distribution/E%s"
                                                      % (acct, self.alnum(13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))}}})
        elif kind == "source-ip":
            st.append({"Sid": "IPAllow", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": res + "/*",
                       "Condition": {"IpAddress": {"aws:SourceIp": self.r.sample(CORP_CIDRS[:3], 2)}}})
        if kind != "tls-only" and self.p(0.4):
            st.append({"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [res, res + "/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        doc = {"Version": "2012-10-17", "Id": "Policy%d" % self.r.randrange(10 ** 12, 10 ** 13), "Statement": st}
        return json.dumps(doc, separators=(",", ":"))

    def s3_bucket(self):
        acct, region = self.account(), self.region()
        name = "%s-%s" % (self.name(), self.alnum(6))
        created = self.time(2000, 30)
        supp = {"AccessControlList": self.acl(acct, name),
                "BucketAccelerateConfiguration": {"status": None}}
        log = {"destinationBucketName": None, "logFilePrefix": None}
        if self.p(0.3):
            log = {"destinationBucketName": "logs-%s-%s" % (acct, region), "logFilePrefix": name + "/"}
            self.stats["s3 logging"] += 1
        supp["BucketLoggingConfiguration"] = log
        supp["BucketNotificationConfiguration"] = {"configurations": {}}
        supp["BucketPolicy"] = {"policyText": self.policy(acct, name)}
        supp["BucketVersioningConfiguration"] = {
            "status": self.pick([("Enabled", 45), ("Off", 45), ("Suspended", 10)]),
            "isMfaDeleteEnabled": None}
        supp["IsRequesterPaysEnabled"] = False
        pab = self.pick([("all", 50), ("none", 40), ("acls-only", 5), ("policy-only", 5)])
        self.stats["s3 bucket block " + pab] += 1
        if pab != "none":
            supp["PublicAccessBlockConfiguration"] = {
                "blockPublicAcls": pab in ("all", "acls-only"),
                "ignorePublicAcls": pab in ("all", "acls-only"),
                "blockPublicPolicy": pab in ("all", "policy-only"),
                "restrictPublicBuckets": pab in ("all", "policy-only")}
        if self.p(0.8):
            kms = self.p(0.35)
            supp["ServerSideEncryptionConfiguration"] = {"rules": [{
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": "aws:kms" if kms else "AES256",
                    "kmsMasterKeyID": self.kms_key(acct, region) if kms else None},
                "bucketKeyEnabled": kms and self.p(0.5)}]}
        else:
            self.stats["s3 no default encryption"] += 1
        if self.p(0.3):
            supp["BucketLifecycleConfiguration"] = {"rules": [{
                "id": "expire-old", "status": "Enabled", "expirationInDays": self.r.choice([30, 90, 365]),
                "noncurrentVersionExpirationInDays": -1, "transitions": None,
                "filter": {"predicate": {"type": "LifecyclePrefixPredicate", "prefix": ""}}}]}
        conf = {"name": name, "owner": {"displayName": None, "id": self.canon[acct]},
                "creationDate": self.iso(created, ms=False)}
        return self.envelope(acct, region, "AWS::S3::Bucket", name, name, "arn:aws:s3:::" + name,
                             "Regional", created, self.tags(), [], conf, supp, self.status())

    def account_block(self, i):
        acct = self.accounts[i]
        kind = self.pick([("all", 60), ("none", 20), ("acls-only", 10), ("policy-only", 10)])
        self.stats["account block " + kind] += 1
        conf = {"blockPublicAcls": kind in ("all", "acls-only"),
                "ignorePublicAcls": kind in ("all", "acls-only"),
                "blockPublicPolicy": kind in ("all", "policy-only"),
                "restrictPublicBuckets": kind in ("all", "policy-only")}
        return self.envelope(acct, "us-east-1", "AWS::S3::AccountPublicAccessBlock", acct, None, None,
                             "Not Applicable", None, {}, [], conf, {})

    # ---- EC2 -------------------------------------------------------------------
    def perm(self, shape13, proto, lo, hi, v4=(), v6=(), groups=(), acct=None):
        d = {}
        if proto != "-1":
            d["fromPort"] = lo
        d["ipProtocol"] = proto
        d["ipv6Ranges"] = [{"cidrIpv6": c} for c in v6]
        d["prefixListIds"] = []
        if proto != "-1":
            d["toPort"] = hi
        d["userIdGroupPairs"] = [{"groupId": g, "userId": acct} for g in groups]
        if shape13:
            d["ipv4Ranges"] = [{"cidrIp": c} for c in v4]
        d["ipRanges"] = list(v4)
        return d

    def security_group(self, i):
        acct, region, vpc, gid, prof = self.sgs[i]
        self.stats["sg " + prof] += 1
        name = "%s-%s-sg" % (self.r.choice(WORDS), self.r.choice(ENVS))
        peers = [self.sgs[j][3] for j in self.r.sample(self.sg_by_ar[(acct, region)],
                                                        min(2, len(self.sg_by_ar[(acct, region)])))]
        ing = []
        s13 = True  # current items carry ipv4Ranges objects next to the ipRanges strings
        if prof == "web":
            ing.append(self.perm(s13, "tcp", 443, 443, ["0.0.0.0/0"], ["::/0"] if self.p(0.5) else []))
            if self.p(0.6):
                ing.append(self.perm(s13, "tcp", 80, 80, ["0.0.0.0/0"]))
        elif prof == "private":
            port = self.r.choice([443, 8080, 3306, 5432, 6379, 9200])
            ing.append(self.perm(s13, "tcp", port, port, ["10.%d.0.0/16" % self.r.randrange(256)],
                                 groups=peers[:1], acct=acct))
        elif prof == "ssh-corp":
            ing.append(self.perm(s13, "tcp", 22, 22, self.r.sample(CORP_CIDRS, 2)))
        elif prof == "ssh-open":
            ing.append(self.perm(s13, "tcp", 22, 22, ["0.0.0.0/0"]))
        elif prof == "db-open":
            port = self.r.choice(OPEN_DB_PORTS[:2] * 3 + OPEN_DB_PORTS)
            ing.append(self.perm(s13, "tcp", port, port, ["0.0.0.0/0"]))
        elif prof == "split-open":  # two halves that together are the whole internet
            port = self.r.choice([22, 3306])
            ing.append(self.perm(s13, "tcp", port, port, ["0.0.0.0/1", "128.0.0.0/1"]))
        elif prof == "ipv6-open":
            port = self.r.choice([22, 3306, 5432])
            ing.append(self.perm(s13, "tcp", port, port, [], ["::/0"]))
        elif prof == "all-open":
            ing.append(self.perm(s13, "-1", None, None, ["0.0.0.0/0"]))
        if self.p(0.25) and prof != "egress-only":
            ing.append(self.perm(s13, "tcp", 0, 65535, [], groups=peers, acct=acct))
        if self.p(0.1):
            ing.append(self.perm(s13, "icmp", -1, -1, ["10.0.0.0/8"]))
        egress = [self.perm(s13, "-1", None, None, ["0.0.0.0/0"], ["::/0"] if self.p(0.3) else [])]
        tags = self.tags(name)
        conf = {"description": "%s created %s" % (name, self.iso(self.time(1500, 10))),
                "groupName": name, "ipPermissions": ing, "ownerId": acct, "groupId": gid,
                "ipPermissionsEgress": egress, "tags": self.tag_list(tags), "vpcId": vpc}
        rels = [{"resourceType": "AWS::EC2::VPC", "resourceId": vpc, "relationshipName": "Is contained in Vpc"}]
        return self.envelope(acct, region, "AWS::EC2::SecurityGroup", gid, name,
                             "arn:aws:ec2:%s:%s:security-group/%s" % (region, acct, gid),
                             "Not Applicable", None, tags, rels, conf, {}, self.status())

    def instance(self, i):
        acct, region, az, iid, vpc = self.instances[i]
        sgs = self.sgs_for(acct, region, self.r.choice([1, 1, 1, 2, 3]))
        subnet = "subnet-" + self.hex(17)
        eni = "eni-" + self.hex(17)
        vol = "vol-" + self.hex(17)
        priv = "10.%d.%d.%d" % (self.r.randrange(256), self.r.randrange(256), self.r.randrange(1, 255))
        pub = self.p(0.25)
        running = self.p(0.85)
        self.stats["ec2 public ip" if pub else "ec2 private"] += 1
        pip = "%d.%d.%d.%d" % (self.r.choice([3, 13, 18, 34, 35, 52, 54]), self.r.randrange(256),
                               self.r.randrange(256), self.r.randrange(1, 255))
        pdns = "ec2-%s.compute-1.amazonaws.com" % pip.replace(".", "-") if pub else ""
        pdn = "ip-%s.%s.compute.internal" % (priv.replace(".", "-"), region)
        groups = [{"groupName": "sg-name-" + s[3][-6:], "groupId": s[3]} for s in sgs]
        launch = self.time(900, 1)
        assoc = {"publicIp": pip, "publicDnsName": pdns, "ipOwnerId": "amazon"} if pub else None
        ni = {"networkInterfaceId": eni, "subnetId": subnet, "vpcId": vpc, "description": "",
              "ownerId": acct, "status": "in-use", "macAddress": ":".join(self.hex(2) for _ in range(6)),
              "privateIpAddress": priv, "privateDnsName": pdn, "sourceDestCheck": True,
              "groups": groups,
              "attachment": {"attachmentId": "eni-attach-" + self.hex(17), "deviceIndex": 0,
                             "status": "attached", "attachTime": self.iso(launch), "deleteOnTermination": True},
              "privateIpAddresses": [{"privateIpAddress": priv, "privateDnsName": pdn, "primary": True}],
              "ipv6Addresses": []}
        if assoc:
            ni["association"] = assoc
            ni["privateIpAddresses"][0]["association"] = assoc
        name = "%s-%s-%d" % (self.r.choice(WORDS), self.r.choice(["api", "worker", "web", "batch", "bastion"]), i)
        tags = self.tags(name)
        conf = {"instanceId": iid, "imageId": "ami-" + self.hex(17),
                "state": {"code": 16, "name": "running"} if running else {"code": 80, "name": "stopped"},
                "metadataOptions": {"state": "applied",
                                    "httpTokens": self.pick([("required", 60), ("optional", 40)]),
                                    "httpPutResponseHopLimit": self.r.choice([1, 2]),
                                    "httpEndpoint": "enabled", "httpProtocolIpv6": "disabled",
                                    "instanceMetadataTags": "disabled"},
                "privateDnsName": pdn, "publicDnsName": pdns, "stateTransitionReason": "",
                "keyName": self.r.choice(["deploy", "ops-key", "ssm-key", None]),
                "amiLaunchIndex": 0, "productCodes": [],
                "instanceType": self.r.choice(["t3.micro", "t3.medium", "m5.large", "m6i.xlarge", "c6g.2xlarge", "r6i.large"]),
                "launchTime": self.iso(launch),
                "placement": {"availabilityZone": az, "groupName": "", "tenancy": "default"},
                "monitoring": {"state": self.r.choice(["disabled", "enabled"])},
                "subnetId": subnet, "vpcId": vpc, "privateIpAddress": priv}
        if pub:
            conf["publicIpAddress"] = pip
        conf.update({"architecture": "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
                     "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {
                         "volumeId": vol, "status": "attached", "attachTime": self.iso(launch),
                         "deleteOnTermination": True}}],
                     "virtualizationType": "hvm", "clientToken": self.alnum(18),
                     "tags": self.tag_list(tags), "securityGroups": groups, "sourceDestCheck": True,
                     "hypervisor": "xen", "networkInterfaces": [ni], "ebsOptimized": self.p(0.7),
                     "enaSupport": True})
        if self.p(0.5):
            conf["iamInstanceProfile"] = {"arn": "arn:aws:iam::%s:instance-profile/%s-role" % (acct, name),
                                          "id": "AIPA" + self.alnum(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}
        rels = [{"resourceType": "AWS::EC2::NetworkInterface", "resourceId": eni,
                 "relationshipName": "Contains NetworkInterface"}]
        rels += [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": s[3],
                  "relationshipName": "Is associated with SecurityGroup"} for s in sgs]
        rels += [{"resourceType": "AWS::EC2::Subnet", "resourceId": subnet, "relationshipName": "Is contained in Subnet"},
                 {"resourceType": "AWS::EC2::Volume", "resourceId": vol, "relationshipName": "Is attached to Volume"},
                 {"resourceType": "AWS::EC2::VPC", "resourceId": vpc, "relationshipName": "Is contained in Vpc"}]
        return self.envelope(acct, region, "AWS::EC2::Instance", iid, None,
                             "arn:aws:ec2:%s:%s:instance/%s" % (region, acct, iid), az, launch, tags,
                             rels, conf, {}, self.status())

    def volume(self, i):
        att = self.instances and self.p(0.8)
        if att:
            acct, region, az, iid, _ = self.r.choice(self.instances)
        else:
            acct, region = self.account(), self.region()
            az = region + self.r.choice("abc")
        vid = "vol-" + self.hex(17)
        created = self.time(1200, 1)
        enc = self.p(0.7)
        self.stats["ebs encrypted" if enc else "ebs unencrypted"] += 1
        conf = {"attachments": [], "availabilityZone": az, "createTime": self.iso(created),
                "encrypted": enc, "size": self.r.choice([8, 20, 30, 50, 100, 200, 500, 1000]),
                "snapshotId": "snap-" + self.hex(17) if self.p(0.5) else "",
                "state": "in-use" if att else "available",
                "volumeId": vid, "iops": self.r.choice([100, 3000, 6000]), "tags": [],
                "volumeType": self.r.choice(["gp2", "gp3", "gp3", "io1", "st1"]),
                "multiAttachEnabled": False}
        if enc:
            conf["kmsKeyId"] = self.kms_key(acct, region)
        rels = []
        if att:
            conf["attachments"] = [{"attachTime": self.iso(created), "device": "/dev/xvda",
                                    "instanceId": iid, "state": "attached", "volumeId": vid,
                                    "deleteOnTermination": True}]
            rels = [{"resourceType": "AWS::EC2::Instance", "resourceId": iid,
                     "relationshipName": "Is attached to Instance"}]
        tags = self.tags()
        conf["tags"] = self.tag_list(tags)
        return self.envelope(acct, region, "AWS::EC2::Volume", vid, None,
                             "arn:aws:ec2:%s:%s:volume/%s" % (region, acct, vid), az, created, tags,
                             rels, conf, {}, self.status())

    # ---- RDS / Redshift --------------------------------------------------------
    def subnet_group(self, region, vpc):
        return {"dBSubnetGroupName": "default-" + vpc, "dBSubnetGroupDescription": "db subnets",
                "vpcId": vpc, "subnetGroupStatus": "Complete",
                "subnets": [{"subnetIdentifier": "subnet-" + self.hex(17),
                             "subnetAvailabilityZone": {"name": region + z}, "subnetStatus": "Active"}
                            for z in "abc"]}

    def rds_instance(self, i):
        acct, region = self.account(), self.region()
        vpc = self.vpc(acct, region)
        eng, ver, port = self.r.choice(ENGINES)
        ident = "%s-%s-db-%d" % (self.r.choice(WORDS), self.r.choice(ENVS), i)
        self.db_ids.append((acct, region, ident, eng, ver, port, vpc))
        sgs = self.sgs_for(acct, region, self.r.choice([1, 1, 2]))
        public = self.p(0.1)
        enc = self.p(0.75)
        self.stats["rds public" if public else "rds private"] += 1
        if not enc:
            self.stats["rds unencrypted"] += 1
        created = self.time(1500, 5)
        dbi = "db-" + self.alnum(26, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        tags = self.tags(ident)
        conf = {"dBInstanceIdentifier": ident,
                "dBInstanceClass": self.r.choice(["db.t3.medium", "db.m5.large", "db.r6g.xlarge", "db.m6i.2xlarge"]),
                "engine": eng, "dBInstanceStatus": "available", "masterUsername": self.r.choice(["admin", "postgres", "dbadmin"]),
                "dBName": self.r.choice(WORDS).replace("-", "_"),
                "endpoint": {"address": "%s.%s.%s.rds.amazonaws.com" % (ident, self.alnum(12), region),
                             "port": port, "hostedZoneId": "Z" + self.alnum(13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")},
                "allocatedStorage": self.r.choice([20, 100, 500, 1000]),
                "instanceCreateTime": self.iso(created),
                "preferredBackupWindow": "08:50-09:20", "backupRetentionPeriod": self.r.choice([0, 1, 7, 35]),
                "dBSecurityGroups": [],
                "vpcSecurityGroups": [{"vpcSecurityGroupId": s[3], "status": "active"} for s in sgs],
                "dBParameterGroups": [{"dBParameterGroupName": "default.%s" % eng, "parameterApplyStatus": "in-sync"}],
                "availabilityZone": region + self.r.choice("abc"),
                "dBSubnetGroup": self.subnet_group(region, vpc),
                "preferredMaintenanceWindow": "thu:06:13-thu:06:43",
                "pendingModifiedValues": {}, "multiAZ": self.p(0.4), "engineVersion": ver,
                "autoMinorVersionUpgrade": True, "readReplicaDBInstanceIdentifiers": [],
                "licenseModel": "general-public-license",
                "optionGroupMemberships": [{"optionGroupName": "default:%s" % eng, "status": "in-sync"}],
                "publiclyAccessible": public, "statusInfos": [], "storageType": "gp3",
                "dbInstancePort": 0, "storageEncrypted": enc}
        if enc:
            conf["kmsKeyId"] = self.kms_key(acct, region)
        conf.update({"dbiResourceId": dbi, "cACertificateIdentifier": "rds-ca-rsa2048-g1",
                     "domainMemberships": [], "copyTagsToSnapshot": self.p(0.5),
                     "monitoringInterval": self.r.choice([0, 60]),
                     "iAMDatabaseAuthenticationEnabled": self.p(0.3),
                     "deletionProtection": self.p(0.5)})
        rels = [{"resourceType": "AWS::RDS::DBSubnetGroup", "resourceId": "default-" + vpc,
                 "relationshipName": "Is associated with DBSubnetGroup"}]
        rels += [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": s[3],
                  "relationshipName": "Is associated with SecurityGroup"} for s in sgs]
        return self.envelope(acct, region, "AWS::RDS::DBInstance", dbi, ident,
                             "arn:aws:rds:%s:%s:db:%s" % (region, acct, ident), "Multiple Availability Zones",
                             created, tags, rels, conf, {"Tags": self.tag_list(tags)}, self.status())

    def rds_snapshot(self, i):
        if self.db_ids and self.p(0.8):
            acct, region, ident, eng, ver, port, vpc = self.r.choice(self.db_ids)
        else:
            acct, region = self.account(), self.region()
            vpc = self.vpc(acct, region)
            eng, ver, port = self.r.choice(ENGINES)
            ident = "%s-old-db-%d" % (self.r.choice(WORDS), i)
        created = self.time(700, 1)
        manual = self.p(0.4)
        sid = ("" if manual else "rds:") + "%s-%s" % (ident, created.strftime("%Y-%m-%d-%H-%M"))
        share = self.pick([("none", 90), ("all", 3), ("accounts", 7)]) if manual else "none"
        self.stats["rds snapshot restore " + share] += 1
        vals = {"none": [], "all": ["all"],
                "accounts": [str(100000000000 + self.r.randrange(899999999999)) for _ in range(self.r.randint(1, 3))]}[share]
        enc = self.p(0.7)
        conf = {"dBSnapshotIdentifier": sid, "dBInstanceIdentifier": ident,
                "snapshotCreateTime": self.iso(created), "engine": eng,
                "allocatedStorage": self.r.choice([20, 100, 500]), "status": "available", "port": port,
                "availabilityZone": region + self.r.choice("abc"), "vpcId": vpc,
                "instanceCreateTime": self.iso(created - dt.timedelta(days=30)),
                "masterUsername": "admin", "engineVersion": ver, "licenseModel": "general-public-license",
                "snapshotType": "manual" if manual else "automated", "optionGroupName": "default:%s" % eng,
                "percentProgress": 100, "storageType": "gp3", "encrypted": enc}
        if enc:
            conf["kmsKeyId"] = self.kms_key(acct, region)
        supp = {"DBSnapshotAttributes": [{"attributeName": "restore", "attributeValues": vals}], "Tags": []}
        rels = [{"resourceType": "AWS::EC2::VPC", "resourceId": vpc, "relationshipName": "Is associated with Vpc"}]
        return self.envelope(acct, region, "AWS::RDS::DBSnapshot", sid, sid,
                             "arn:aws:rds:%s:%s:snapshot:%s" % (region, acct, sid), conf["availabilityZone"],
                             created, {}, rels, conf, supp, self.status())

    def redshift(self, i):
        acct, region = self.account(), self.region()
        vpc = self.vpc(acct, region)
        cid = "%s-%s-dw-%d" % (self.r.choice(WORDS), self.r.choice(ENVS), i)
        sgs = self.sgs_for(acct, region, 1)
        public = self.p(0.15)
        enc = self.p(0.7)
        self.stats["redshift public" if public else "redshift private"] += 1
        created = self.time(1500, 5)
        nodes = [{"nodeRole": "LEADER" if k == 0 else "COMPUTE-%d" % (k - 1),
                  "privateIPAddress": "10.%d.%d.%d" % (self.r.randrange(256), self.r.randrange(256), self.r.randrange(1, 255))}
                 for k in range(self.r.choice([1, 3]))]
        if public:
            for nd in nodes:
                nd["publicIPAddress"] = "52.%d.%d.%d" % (self.r.randrange(256), self.r.randrange(256), self.r.randrange(1, 255))
        tags = self.tags(cid)
        conf = {"clusterIdentifier": cid, "nodeType": self.r.choice(["dc2.large", "ra3.xlplus", "ra3.4xlarge"]),
                "clusterStatus": "available", "masterUsername": "awsuser", "dBName": "dev",
                "endpoint": {"address": "%s.%s.%s.redshift.amazonaws.com" % (cid, self.alnum(12), region), "port": 5439},
                "clusterCreateTime": self.iso(created), "automatedSnapshotRetentionPeriod": self.r.choice([1, 7]),
                "clusterSecurityGroups": [],
                "vpcSecurityGroups": [{"vpcSecurityGroupId": s[3], "status": "active"} for s in sgs],
                "clusterParameterGroups": [{"parameterGroupName": "default.redshift-1.0",
                                            "parameterApplyStatus": "in-sync", "clusterParameterStatusList": []}],
                "clusterSubnetGroupName": "default", "vpcId": vpc, "availabilityZone": region + "a",
                "preferredMaintenanceWindow": "tue:10:00-tue:10:30", "pendingModifiedValues": {},
                "clusterVersion": "1.0", "allowVersionUpgrade": True, "numberOfNodes": len(nodes),
                "publiclyAccessible": public, "encrypted": enc,
                "clusterPublicKey": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ%s Amazon-Redshift\n" % self.alnum(300, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
                "clusterNodes": nodes, "clusterRevisionNumber": str(self.r.randrange(1000, 60000)),
                "tags": self.tag_list(tags), "iamRoles": [], "enhancedVpcRouting": self.p(0.3)}
        if enc:
            conf["kmsKeyId"] = self.kms_key(acct, region)
        logging = self.p(0.5)
        supp = {"LoggingStatus": {"loggingEnabled": logging,
                                  "bucketName": "redshift-logs-%s" % acct if logging else None,
                                  "s3KeyPrefix": None,
                                  "lastSuccessfulDeliveryTime": self.iso(self.time(2)) if logging else None,
                                  "lastFailureTime": None, "lastFailureMessage": None}}
        rels = [{"resourceType": "AWS::Redshift::ClusterParameterGroup", "resourceId": "default.redshift-1.0",
                 "resourceName": "default.redshift-1.0", "relationshipName": "Is associated with ClusterParameterGroup"},
                {"resourceType": "AWS::Redshift::ClusterSubnetGroup", "resourceId": "default",
                 "resourceName": "default", "relationshipName": "Is associated with ClusterSubnetGroup"}]
        rels += [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": s[3],
                  "relationshipName": "Is associated with SecurityGroup"} for s in sgs]
        rels.append({"resourceType": "AWS::EC2::VPC", "resourceId": vpc, "relationshipName": "Is associated with Vpc"})
        return self.envelope(acct, region, "AWS::Redshift::Cluster", cid, cid,
                             "arn:aws:redshift:%s:%s:cluster:%s" % (region, acct, cid), region + "a",
                             created, tags, rels, conf, supp, self.status())

    # ---- DynamoDB / IAM ------------------------------------------------------
    def dynamodb(self, i):
        acct, region = self.account(), self.region()
        name = "%s-%s-%d" % (self.r.choice(WORDS), self.r.choice(ENVS), i)
        created = self.time(1500, 1)
        ms = int(created.timestamp() * 1000)
        arn = "arn:aws:dynamodb:%s:%s:table/%s" % (region, acct, name)
        ondemand = self.p(0.6)
        conf = {"attributeDefinitions": [{"attributeName": "pk", "attributeType": "S"},
                                         {"attributeName": "sk", "attributeType": "S"}],
                "tableName": name,
                "keySchema": [{"attributeName": "pk", "keyType": "HASH"}, {"attributeName": "sk", "keyType": "RANGE"}],
                "tableStatus": "ACTIVE", "creationDateTime": ms,
                "provisionedThroughput": {"numberOfDecreasesToday": 0,
                                          "readCapacityUnits": 0 if ondemand else self.r.choice([5, 25, 100]),
                                          "writeCapacityUnits": 0 if ondemand else self.r.choice([5, 25, 100])},
                "tableSizeBytes": self.r.randrange(10 ** 10), "itemCount": self.r.randrange(10 ** 7),
                "tableArn": arn, "tableId": self.uid()}
        if ondemand:
            conf["billingModeSummary"] = {"billingMode": "PAY_PER_REQUEST", "lastUpdateToPayPerRequestDateTime": ms}
        if self.p(0.4):
            conf["sSEDescription"] = {"status": "ENABLED", "sSEType": "KMS",
                                      "kMSMasterKeyArn": self.kms_key(acct, region)}
        pitr = self.p(0.5)
        self.stats["dynamodb pitr" if pitr else "dynamodb no pitr"] += 1
        supp = {"ContinuousBackupsDescription": {"continuousBackupsStatus": "ENABLED",
                                                 "pointInTimeRecoveryDescription": {
                                                     "pointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"}},
                "Tags": []}
        tags = self.tags()
        supp["Tags"] = self.tag_list(tags)
        return self.envelope(acct, region, "AWS::DynamoDB::Table", name, name, arn, "Not Applicable",
                             created, tags, [], conf, supp, self.status())

    def iam_user(self, i):
        acct = self.account()
        uname = "%s.%s%d" % (self.r.choice(FIRST), self.r.choice(LAST), i)
        if self.p(0.2):
            uname = "svc-%s-%d" % (self.r.choice(WORDS), i)
        userid = "AIDA" + self.alnum(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        created = self.time(3000, 1)
        arn = "arn:aws:iam::%s:user/%s" % (acct, uname)
        admin = self.p(0.05)
        self.stats["iam admin" if admin else "iam user"] += 1
        pols = [{"policyName": "ReadOnlyAccess", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
        if admin:
            pols.append({"policyName": "AdministratorAccess", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
        inline = []
        if self.p(0.3):
            b = "%s-%s-1" % (self.r.choice(WORDS), self.r.choice(ENVS))
            inline.append({"policyName": "policygen-%s-%d" % (uname, self.r.randrange(10 ** 11, 10 ** 12)),
                           "policyDocument": [{"Version": "2012-10-17", "Statement": [
                               {"Sid": "Stmt%d" % self.r.randrange(10 ** 12, 10 ** 13), "Effect": "Allow",
                                "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::%s/*" % b]}]}]})
        group = self.r.choice(["developers", "analysts", "ops", "readonly"])
        conf = {"path": "/", "userName": uname, "userId": userid, "arn": arn, "createDate": self.iso(created, ms=False),
                "userPolicyList": inline, "groupList": [group], "attachedManagedPolicies": pols}
        if self.p(0.3):
            conf["permissionsBoundary"] = None
        rels = [{"resourceType": "AWS::IAM::Group", "resourceId": "AGPA" + self.alnum(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                 "resourceName": group, "relationshipName": "Is attached to Group"}]
        return self.envelope(acct, "global", "AWS::IAM::User", userid, uname, arn, "Not Applicable",
                             created, {}, rels, conf, {}, self.status())

    def item(self, task):
        t, i = task
        self.stats[t] += 1
        if t == "AWS::S3::Bucket":
            return self.s3_bucket()
        if t == "AWS::S3::AccountPublicAccessBlock":
            return self.account_block(i)
        if t == "AWS::EC2::SecurityGroup":
            return self.security_group(i)
        if t == "AWS::EC2::Instance":
            return self.instance(i)
        if t == "AWS::EC2::Volume":
            return self.volume(i)
        if t == "AWS::RDS::DBInstance":
            return self.rds_instance(i)
        if t == "AWS::RDS::DBSnapshot":
            return self.rds_snapshot(i)
        if t == "AWS::Redshift::Cluster":
            return self.redshift(i)
        if t == "AWS::DynamoDB::Table":
            return self.dynamodb(i)
        if t == "AWS::IAM::User":
            return self.iam_user(i)
        raise ValueError(t)


LAYOUTS = ("pretty", "compact", "lines")


def write(outs, g, tasks):
    """Write the snapshot to every (layout, text stream) in outs from ONE pass over
    the items, so that all layouts hold the same items byte for byte of content.
      pretty   2-space indent, one member per line (what a person or `jq .` writes)
      compact  the whole file on ONE line without whitespace, as AWS Config delivers
               snapshots (and history files) to S3
      lines    compact items, one per line (NDJSON-like readability inside the array)
    Returns the mean compact item size in bytes."""
    snap_id = g.uid()
    for layout, out in outs:
        if layout == "compact":
            out.write('{"fileVersion":"1.0","configSnapshotId":"%s","configurationItems":[' % snap_id)
        else:
            out.write('{\n  "fileVersion": "1.0",\n  "configSnapshotId": "%s",\n  "configurationItems": [' % snap_id)
    first = True
    nbytes = 0
    for task in tasks:
        item = g.item(task)
        dense = None
        for layout, out in outs:
            if layout == "pretty":
                s = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")
                out.write(("\n    " if first else ",\n    ") + s)
            else:
                if dense is None:
                    dense = json.dumps(item, separators=(",", ":"), ensure_ascii=False)
                if layout == "compact":
                    out.write(dense if first else "," + dense)
                else:
                    out.write(("\n    " if first else ",\n    ") + dense)
        if dense is None:
            dense = json.dumps(item, separators=(",", ":"), ensure_ascii=False)
        nbytes += len(dense.encode())
        first = False
    for layout, out in outs:
        out.write("]}" if layout == "compact" else "\n  ]\n}\n")
    return nbytes


def open_out(path, gz):
    """A text stream on path ('-' = stdout); gzip when asked or by the .gz suffix.
    Returns (stream, closer)."""
    gz = gz or path.endswith(".gz")
    raw = sys.stdout.buffer if path == "-" else open(path, "wb")
    # mtime=0 and no file name: gzip output is byte-identical across runs
    stream = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0, filename="") if gz else raw
    out = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)

    def close():
        out.flush()
        if gz:
            stream.close()
        if raw is not sys.stdout.buffer:
            raw.close()
    return out, close


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--items", type=int, default=200000, help="configuration items (default 200000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--accounts", type=int, default=0, help="AWS accounts (default: items/20000, 2..40)")
    ap.add_argument("-o", "--output", default=None, help="output file (default stdout); .gz suffix = gzip")
    ap.add_argument("--layout", choices=LAYOUTS, default="pretty",
                    help="layout of -o: pretty (default), compact (one line, as AWS Config delivers), "
                         "lines (one compact item per line)")
    ap.add_argument("--compact", action="store_true", help="same as --layout compact")
    ap.add_argument("--gzip", action="store_true", help="gzip -o")
    ap.add_argument("--out", action="append", default=[], metavar="LAYOUT=PATH",
                    help="also write LAYOUT to PATH (.gz suffix = gzip); repeatable; all outputs "
                         "come from one pass and hold the same items")
    ap.add_argument("--stats", action="store_true", help="print counts of what was generated (JSON) to stderr")
    a = ap.parse_args()
    if a.items < 1:
        ap.error("--items must be positive")
    targets = []
    if a.output is not None or not a.out:
        targets.append(("compact" if a.compact else a.layout, a.output or "-", a.gzip))
    for spec in a.out:
        layout, sep, path = spec.partition("=")
        if not sep or layout not in LAYOUTS or not path:
            ap.error("--out wants LAYOUT=PATH with LAYOUT one of %s, got %r" % ("/".join(LAYOUTS), spec))
        targets.append((layout, path, False))
    g = Gen(a.items, a.seed, a.accounts)
    tasks = g.plan()
    opened = [(layout,) + open_out(path, gz) for layout, path, gz in targets]
    nbytes = write([(layout, out) for layout, out, _ in opened], g, tasks)
    for _, _, close in opened:
        close()
    if a.stats:
        st = dict(sorted(g.stats.items()))
        st["items"] = len(tasks)
        st["accounts"] = len(g.accounts)
        st["mean item bytes"] = nbytes // max(1, len(tasks))
        json.dump(st, sys.stderr, indent=1)
        sys.stderr.write("\n")


if __name__ == "__main__":
    main()
