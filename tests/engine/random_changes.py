#!/usr/bin/env python3
"""Random configuration changes to an AWS Config inventory, as change files.

The incremental path of the engine (issue 8) and the monitor (issue 10) must
give, after every change, the findings a full scan of the changed inventory
gives. This module makes the changes; `check` runs them through
tests/engine/engine_replay (which compares with a fresh full evaluation after
every step, finding for finding, and checks the delta).

  random_changes.py gen   --out DIR --steps N [--seed S] BASE...
      writes DIR/change-0001.json ... (compact JSON, as AWS Config delivers:
      a snapshot-shaped file of 1-3 configuration items, each a later capture
      of an item of BASE, or its deletion / re-creation) and prints their paths
  random_changes.py check --driver ENGINE_REPLAY [--steps N] [--seed S] [--items N] [--generator GEN] [BASE...]
      a baseline from BASE (and/or GEN --items N), N random steps, the replay

Changes: bucket ACL grants (AllUsers / AuthenticatedUsers read, write),
bucket policies (public read, public list, cross-account, TLS-only, none),
bucket and account Block Public Access settings, security-group ingress rules
(0.0.0.0/0, ::/0, split halves, removed), RDS publiclyAccessible and the
groups named only in vpcSecurityGroups, snapshot restore attributes
("all", accounts, none), EC2 public addresses and state, access point
blocks, load balancer schemes and groups, listener ports and target groups,
target group targets, customer-data tags of instances, EKS endpoint access and
CIDRs, REST API endpoint types, policies and methods' authorizers, deletions
(ResourceDeleted) and re-creations.
"""
import argparse
import copy
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile


def load_items(paths):
    """(type, resourceId) -> latest item, in the order first seen."""
    state = {}
    for p in paths:
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        items = d.get("configurationItems", []) if isinstance(d, dict) else d
        if isinstance(d, dict) and "configurationItem" in d:
            items = [d["configurationItem"]]
        for it in items:
            if not isinstance(it, dict) or "resourceType" not in it:
                continue
            k = (it["resourceType"], it.get("resourceId"))
            old = state.get(k)
            if old is None or it.get("configurationItemCaptureTime", "") >= old.get("configurationItemCaptureTime", ""):
                state[k] = it
    return state


def jdoc(v):
    """A value that may be JSON in a string: (parsed, was_string)."""
    if isinstance(v, str):
        try:
            return json.loads(v), True
        except ValueError:
            return None, True
    return v, False


def redoc(v, as_string):
    return json.dumps(v, separators=(",", ":")) if as_string and v is not None else v


def acct_of(it):
    return it.get("awsAccountId") or it.get("accountId") or "111122223333"


def part(it, key):
    """it[key] as a dict to change (made when absent or null)."""
    v = it.get(key)
    if not isinstance(v, dict):
        v = it[key] = {}
    return v


def perm(port, v4=(), v6=()):
    return {"ipProtocol": "tcp", "fromPort": port, "toPort": port, "userIdGroupPairs": [], "prefixListIds": [],
            "ipRanges": list(v4), "ipv4Ranges": [{"cidrIp": c} for c in v4],
            "ipv6Ranges": [{"cidrIpv6": c} for c in v6]}


class Changer:
    def __init__(self, state, seed):
        self.state = state
        self.r = random.Random(seed)
        self.t = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
        self.deleted = {}  # key -> item before deletion
        self.by_type = {}
        for k in state:
            self.by_type.setdefault(k[0], []).append(k)

    def when(self):
        self.t += dt.timedelta(seconds=self.r.randint(1, 3600))
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % self.r.randrange(1000)

    def pick(self, types):
        keys = [k for t in types for k in self.by_type.get(t, []) if k in self.state]
        if types[0] in ("AWS::EC2::SecurityGroup", "AWS::RDS::DBInstance") and self.r.random() < 0.3:
            near = [k for k in keys if k[1] in self.cluster_names()]  # what Aurora clusters read
            keys = near or keys
        return self.r.choice(keys) if keys else None

    def cluster_names(self):
        """Group ids and member instances' resource ids named by DB clusters."""
        names = set()
        members = set()
        for k, it in self.state.items():
            if k[0] != "AWS::RDS::DBCluster":
                continue
            c = it.get("configuration") if isinstance(it.get("configuration"), dict) else {}
            names.update(r.get("resourceId") for r in it.get("relationships") or [])
            names.update(g.get("vpcSecurityGroupId") for g in c.get("vpcSecurityGroups") or [] if isinstance(g, dict))
            for m in c.get("dBClusterMembers") or c.get("dbclusterMembers") or []:
                members.add(m.get("dbinstanceIdentifier") or m.get("dBInstanceIdentifier"))
        for k, it in self.state.items():
            if k[0] == "AWS::RDS::DBInstance" and (it.get("resourceName") in members or (
                    isinstance(it.get("configuration"), dict)
                    and it["configuration"].get("dBInstanceIdentifier") in members)):
                names.add(k[1])
        return names

    # ---- one mutation per type -----------------------------------------------------
    def bucket(self, it):
        supp = part(it, "supplementaryConfiguration")
        what = self.r.choice(["acl", "policy", "block"])
        if what == "acl":
            acl, s = jdoc(supp.get("AccessControlList"))
            if not isinstance(acl, dict):
                acl, s = {"grantList": [], "owner": {"id": "owner"}}, True
            grants = [g for g in acl.get("grantList") or [] if not isinstance(g.get("grantee"), str)]
            extra = self.r.choice([[], [("AllUsers", "Read")], [("AllUsers", "Write"), ("AllUsers", "Read")],
                                   [("AuthenticatedUsers", "Read")], [("AllUsers", "ReadAcp")]])
            acl["grantList"] = grants + [{"grantee": g, "permission": p} for g, p in extra]
            supp["AccessControlList"] = redoc(acl, s)
        elif what == "policy":
            name = it.get("resourceName") or it.get("resourceId")
            res = "arn:aws:s3:::" + name
            kind = self.r.choice(["none", "public-read", "public-list", "cross", "tls"])
            st = {"none": [],
                  "public-read": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": res + "/*"}],
                  "public-list": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:ListBucket"],
                                   "Resource": res}],
                  "cross": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                             "Action": "s3:GetObject", "Resource": res + "/*"}],
                  "tls": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [res, res + "/*"],
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}[kind]
            text = json.dumps({"Version": "2012-10-17", "Statement": st}) if st else None
            supp["BucketPolicy"] = {"policyText": text}
        else:
            if self.r.random() < 0.25:
                supp.pop("PublicAccessBlockConfiguration", None)
            else:
                supp["PublicAccessBlockConfiguration"] = {k: self.r.random() < 0.5 for k in (
                    "blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")}

    def account_block(self, it):
        it["configuration"] = {k: self.r.random() < 0.5 for k in (
            "blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")}

    def security_group(self, it):
        c = part(it, "configuration")
        ps = list(c.get("ipPermissions") or [])
        what = self.r.choice(["open", "open", "remove", "split", "v6", "empty"])
        port = self.r.choice([22, 3306, 5432, 443, 3389, 1433, 5439, 6379])
        if what == "open":
            ps.append(perm(port, ["0.0.0.0/0"]))
        elif what == "split":
            ps.append(perm(port, ["0.0.0.0/1", "128.0.0.0/1"]))
        elif what == "v6":
            ps.append(perm(port, [], ["::/0"]))
        elif what == "remove" and ps:
            ps.pop(self.r.randrange(len(ps)))
        else:
            ps = []
        c["ipPermissions"] = ps

    def rds_instance(self, it):
        c = part(it, "configuration")
        if self.r.random() < 0.7:
            c["publiclyAccessible"] = not c.get("publiclyAccessible", False)
        else:  # a group named only in the configuration (no relationship)
            sgs = [k[1] for k in self.by_type.get("AWS::EC2::SecurityGroup", []) if k in self.state
                   and acct_of(self.state[k]) == acct_of(it)]
            if sgs:
                c["vpcSecurityGroups"] = [{"vpcSecurityGroupId": g, "status": "active"}
                                          for g in self.r.sample(sgs, min(len(sgs), self.r.randint(1, 2)))]

    def snapshot(self, it):
        vals = self.r.choice([[], ["all"], ["123456789012"], ["all", "210987654321"]])
        for where in ("supplementaryConfiguration", "configuration"):
            sect = it.get(where) if isinstance(it.get(where), dict) else {}
            for key in ("DBSnapshotAttributes", "DBClusterSnapshotAttributes"):
                attrs = sect.get(key)
                if isinstance(attrs, list):
                    sect[key] = [{"attributeName": "restore", "attributeValues": vals}]
                    return
            for key in ("DBSnapshotAttributesResult", "DBClusterSnapshotAttributesResult"):
                res = sect.get(key)
                if isinstance(res, dict):
                    name = "DBSnapshotAttributes" if "Cluster" not in key else "DBClusterSnapshotAttributes"
                    res[name] = [{"AttributeName": "restore", "AttributeValues": vals}]
                    return
        part(it, "supplementaryConfiguration")["DBSnapshotAttributes"] = [
            {"attributeName": "restore", "attributeValues": vals}]

    def instance(self, it):
        c = part(it, "configuration")
        if self.r.random() < 0.5:
            if c.get("publicIpAddress"):
                c.pop("publicIpAddress")
            else:
                c["publicIpAddress"] = "54.%d.%d.%d" % tuple(self.r.randrange(256) for _ in range(3))
        else:
            c["state"] = {"name": self.r.choice(["running", "stopped"]), "code": 16}

    def access_point(self, it):
        c = part(it, "configuration")
        c["PublicAccessBlockConfiguration"] = {k: self.r.random() < 0.5 for k in (
            "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}

    # front doors (netreach_front.c): what a load balancer, stage or cluster reads
    def load_balancer(self, it):
        c = part(it, "configuration")
        if self.r.random() < 0.6:
            c["scheme"] = "internal" if c.get("scheme") == "internet-facing" else "internet-facing"
        else:
            sgs = [k[1] for k in self.by_type.get("AWS::EC2::SecurityGroup", []) if k in self.state
                   and acct_of(self.state[k]) == acct_of(it)]
            if sgs:
                c["securityGroups"] = self.r.sample(sgs, 1)
                it["relationships"] = [r for r in it.get("relationships") or []
                                       if r.get("resourceType") != "AWS::EC2::SecurityGroup"]

    def listener(self, it):
        c = part(it, "configuration")
        if self.r.random() < 0.5:
            c["Port"] = self.r.choice([80, 443, 5432, 8443])
        else:
            tgs = [k[1] for k in self.by_type.get("AWS::ElasticLoadBalancingV2::TargetGroup", []) if k in self.state]
            if tgs:
                tg = self.r.choice(tgs)
                c["DefaultActions"] = [{"Type": "forward", "TargetGroupArn": tg}]

    def target_group(self, it):
        c = part(it, "configuration")
        ids = [k[1] for k in self.by_type.get("AWS::EC2::Instance", []) if k in self.state]
        c["Targets"] = [{"Id": i, "Port": 443} for i in self.r.sample(ids, min(len(ids), self.r.randint(0, 2)))]

    def eks(self, it):
        v = part(part(it, "configuration"), "ResourcesVpcConfig")
        if self.r.random() < 0.5:
            v["EndpointPublicAccess"] = not v.get("EndpointPublicAccess", False)
        else:
            v["PublicAccessCidrs"] = self.r.choice([["0.0.0.0/0"], ["203.0.113.0/24"], ["0.0.0.0/1", "128.0.0.0/1"]])

    def rest_api(self, it):
        c = part(it, "configuration")
        what = self.r.choice(["type", "policy", "disable"])
        if what == "type":
            c["endpointConfiguration"] = {"types": [self.r.choice(["REGIONAL", "EDGE", "PRIVATE"])]}
        elif what == "disable":
            c["disableExecuteApiEndpoint"] = not c.get("disableExecuteApiEndpoint", False)
        elif self.r.random() < 0.5:
            c.pop("policy", None)
        else:
            c["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}]})

    def rest_method(self, it):
        c = part(it, "configuration")
        c["AuthorizationType"] = self.r.choice(["NONE", "AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"])

    def tagged_instance(self, it):
        if self.r.random() < 0.5:
            return self.instance(it)
        tags = it.get("tags") if isinstance(it.get("tags"), dict) else {}
        if tags.get("DataClassification"):
            tags.pop("DataClassification")
        else:
            tags["DataClassification"] = "customer-data"
        it["tags"] = tags

    MUT = {"AWS::S3::Bucket": bucket, "AWS::S3::AccountPublicAccessBlock": account_block,
           "AWS::EC2::SecurityGroup": security_group, "AWS::RDS::DBInstance": rds_instance,
           "AWS::RDS::DBSnapshot": snapshot, "AWS::RDS::DBClusterSnapshot": snapshot,
           "AWS::EC2::Instance": tagged_instance, "AWS::S3::AccessPoint": access_point,
           "AWS::ElasticLoadBalancingV2::LoadBalancer": load_balancer,
           "AWS::ElasticLoadBalancingV2::Listener": listener,
           "AWS::ElasticLoadBalancingV2::TargetGroup": target_group, "AWS::EKS::Cluster": eks,
           "AWS::ApiGateway::RestApi": rest_api, "AWS::ApiGateway::Method": rest_method}
    WEIGHT = {"AWS::S3::Bucket": 5, "AWS::S3::AccountPublicAccessBlock": 3, "AWS::EC2::SecurityGroup": 5,
              "AWS::RDS::DBInstance": 3, "AWS::RDS::DBSnapshot": 2, "AWS::RDS::DBClusterSnapshot": 1,
              "AWS::EC2::Instance": 2, "AWS::S3::AccessPoint": 1,
              "AWS::ElasticLoadBalancingV2::LoadBalancer": 2, "AWS::ElasticLoadBalancingV2::Listener": 2,
              "AWS::ElasticLoadBalancingV2::TargetGroup": 2, "AWS::EKS::Cluster": 1, "AWS::ApiGateway::RestApi": 2,
              "AWS::ApiGateway::Method": 1}

    def one(self):
        """A later item: a mutation, a deletion or a re-creation."""
        if self.deleted and self.r.random() < 0.3:
            k = self.r.choice(sorted(self.deleted))
            it = self.deleted.pop(k)
            self.state[k] = it
        else:
            types = [t for t in self.MUT if self.by_type.get(t)]
            t = self.r.choices(types, [self.WEIGHT[t] for t in types])[0]
            k = self.pick([t])
            if k is None:
                return None
            it = copy.deepcopy(self.state[k])
            if self.r.random() < 0.08 and t in ("AWS::EC2::SecurityGroup", "AWS::S3::Bucket", "AWS::RDS::DBInstance",
                                                "AWS::S3::AccountPublicAccessBlock"):
                self.deleted[k] = it
                gone = {x: it[x] for x in ("version", "configurationItemVersion", "accountId", "awsAccountId", "arn",
                                           "ARN", "resourceType", "resourceId", "resourceName", "awsRegion")
                        if x in it}
                gone.update({"configurationItemStatus": "ResourceDeleted", "configuration": None,
                             "supplementaryConfiguration": {}, "relationships": [], "tags": {}})
                gone["configurationItemCaptureTime"] = self.when()
                del self.state[k]
                return gone
            self.MUT[t](self, it)
            self.state[k] = it
        it = copy.deepcopy(it)
        it["configurationItemCaptureTime"] = self.when()
        it["configurationItemStatus"] = "OK"
        self.state[(it["resourceType"], it.get("resourceId"))] = it
        return it

    def step(self):
        items = []
        seen = {}
        for _ in range(self.r.choice([1, 1, 1, 2, 3])):
            it = self.one()
            if it is None:
                continue
            k = (it["resourceType"], it.get("resourceId"))
            if k in seen:  # one capture per resource per file: the later one (self.state is that one)
                items[seen[k]] = it
                continue
            seen[k] = len(items)
            items.append(it)
        return items


def gen(base, steps, seed, out):
    os.makedirs(out, exist_ok=True)
    ch = Changer(load_items(base), seed)
    paths = []
    for s in range(steps):
        items = ch.step()
        p = os.path.join(out, "change-%04d.json" % (s + 1))
        with open(p, "w", encoding="utf-8") as f:
            f.write(json.dumps({"fileVersion": "1.0", "configurationItems": items}, separators=(",", ":")))
        paths.append(p)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--out", required=True)
    g.add_argument("--steps", type=int, default=50)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("base", nargs="+")
    c = sub.add_parser("check")
    c.add_argument("--driver", required=True)
    c.add_argument("--steps", type=int, default=40)
    c.add_argument("--seed", type=int, default=int(os.environ.get("CW_RANDOM_SEED", "8")))
    c.add_argument("--items", type=int, default=0, help="also generate a baseline of N items with --generator")
    c.add_argument("--generator")
    c.add_argument("--threads", default="1")
    c.add_argument("base", nargs="*")
    a = ap.parse_args()
    if a.cmd == "gen":
        for p in gen(a.base, a.steps, a.seed, a.out):
            print(p)
        return 0
    with tempfile.TemporaryDirectory(prefix="cw-replay-") as tmp:
        base = list(a.base)
        if a.items:
            p = os.path.join(tmp, "generated.json")
            subprocess.run([sys.executable, a.generator, "--items", str(a.items), "--seed", str(a.seed),
                            "--layout", "compact", "-o", p], check=True)
            base.append(p)
        if not base:
            ap.error("no baseline: give BASE files or --items with --generator")
        changes = gen(base, a.steps, a.seed, os.path.join(tmp, "changes"))
        print("random_changes: seed %d, %d steps over %s" % (a.seed, a.steps, ", ".join(os.path.basename(b) for b in base)),
              flush=True)
        r = subprocess.run([a.driver, "--threads", a.threads] + base + ["--"] + changes)
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
