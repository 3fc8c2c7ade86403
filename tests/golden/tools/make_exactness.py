#!/usr/bin/env python3
"""Regenerate tests/golden/exactness/inputs/ (committed; the tests read the JSON).

Every data store is named after its true verdict: `pub-*` is public (or reachable
from the internet), `priv-*` is not. The cases follow the AWS documentation:
  - S3 "The meaning of public" and Block Public Access (user guide,
    access-control-block-public-access.html): ACL grants to AllUsers or
    AuthenticatedUsers are public; a policy is public unless it is pinned to fixed
    principals or to fixed aws:SourceVpce/SourceVpc/SourceAccount/SourceArn/
    SourceOwner/PrincipalOrgID values or a CIDR set with aws:SourceIp;
    BlockPublicAcls/BlockPublicPolicy only reject new ACLs/policies,
    IgnorePublicAcls neutralises existing public ACLs, RestrictPublicBuckets
    neutralises a public policy; account and bucket settings combine (most
    restrictive wins).
  - RDS/Redshift: reachable from the internet only when publicly accessible AND a
    security group admits the internet (0.0.0.0/0, ::/0 or a union covering it) on
    the database port; an ::/0 rule reaches an RDS instance only when its
    networkType is DUAL (an IPv4-only instance has no IPv6 address).
  - OpenSearch/Elasticsearch: a domain in a VPC has no public endpoint; outside a
    VPC an access policy open to "*" without a pinning condition is public.
  - RDS snapshots: the `restore` attribute `all` makes a snapshot public; account ids
    share it with those accounts only.
  - Front doors (front_doors()): internet-facing load balancers open on a listener
    port, API Gateway stages (endpoint type, resource policy, method authorizers,
    integrations), EKS public endpoints and their publicAccessCidrs.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from awsitems import *  # noqa: E402,F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "exactness", "inputs")

A = "111122223333"  # account block: IgnorePublicAcls only
B = "444455556666"  # account block recorded, all four off
C = "777788889999"  # account block: RestrictPublicBuckets only
F = "135791357913"  # account block: BlockPublicAcls + BlockPublicPolicy (new ones only)
E = "246802468024"  # no account block recorded at all
R = "us-east-1"
R2 = "eu-west-1"
OTHER = "999988887777"
ORG = "o-a1b2c3d4e5"
VPCE = "vpce-0a1b2c3d4e5f60718"
VPC = "vpc-0c1d2e3f4a5b6c7d8"


def obj(b):
    return "arn:aws:s3:::%s/*" % b


def bucket_arn(b):
    return "arn:aws:s3:::%s" % b


def allow_get(b, cond=None, principal="*"):
    return policy(stmt("Allow", principal, "s3:GetObject", obj(b), cond, sid="PublicRead"))


def buckets():
    out = []

    def add(acct, name, **kw):
        out.append(s3_bucket(acct, kw.pop("region", R), name, **kw))

    # ---- ACLs, account B (no block anywhere)
    add(B, "pub-acl-allusers-read", grants=[("AllUsers", "Read")])
    add(B, "pub-acl-allusers-write", grants=[("AllUsers", "Write")])
    add(B, "pub-acl-allusers-fullcontrol", grants=[("AllUsers", "FullControl")])
    add(B, "pub-acl-allusers-readacp", grants=[("AllUsers", "ReadAcp")])
    add(B, "pub-acl-allusers-writeacp", grants=[("AllUsers", "WriteAcp")])
    add(B, "pub-acl-authusers-read", grants=[("AuthenticatedUsers", "Read")])
    add(B, "pub-acl-authusers-write", grants=[("AuthenticatedUsers", "Write")], region=R2)
    add(B, "pub-acl-existing-despite-blockpublicacls", grants=[("AllUsers", "Read")],
        pab={"BlockPublicAcls"})
    add(B, "pub-acl-despite-bucket-policy-blocks", grants=[("AllUsers", "Read")],
        pab={"BlockPublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"})
    add(B, "priv-acl-ignored-by-bucket-block", grants=[("AllUsers", "Read"), ("AllUsers", "Write")],
        pab={"IgnorePublicAcls"})
    add(B, "priv-acl-logdelivery-write", grants=[("LogDelivery", "Write"), ("LogDelivery", "ReadAcp")])
    add(B, "priv-acl-owner-only")
    add(B, "priv-acl-other-account-read", grants=[(canonical_id(OTHER), "Read")])
    add(B, "priv-all-four-bucket-blocks", grants=[("AllUsers", "Read")],
        policy=allow_get("priv-all-four-bucket-blocks"),
        pab={"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"})

    # ---- policies, account B
    n = "pub-pol-principal-star-getobject"
    add(B, n, policy=allow_get(n))
    n = "pub-pol-principal-aws-star"
    add(B, n, policy=allow_get(n, principal={"AWS": "*"}))
    n = "pub-pol-principal-aws-star-in-list"
    add(B, n, policy=allow_get(n, principal={"AWS": ["arn:aws:iam::%s:root" % B, "*"]}))
    n = "pub-pol-listbucket"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:ListBucket", bucket_arn(n))))
    n = "pub-pol-putobject"
    add(B, n, policy=policy(stmt("Allow", "*", ["s3:PutObject", "s3:PutObjectAcl"], obj(n))))
    n = "pub-pol-s3-star-action"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:*", [bucket_arn(n), obj(n)])))
    n = "pub-pol-get-wildcard-action"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:Get*", obj(n))))
    n = "pub-pol-sourceip-any"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))
    n = "pub-pol-sourceip-split-halves"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}))
    n = "pub-pol-sourceip-ipv6-any"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "::/0"}}))
    n = "priv-pol-sourceip-private-range"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    n = "priv-pol-sourceip-office-cidrs"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8:1234::/48"]}}))
    n = "priv-pol-sourcevpce"
    add(B, n, policy=allow_get(n, {"StringEquals": {"aws:SourceVpce": VPCE}}))
    n = "priv-pol-sourcevpc"
    add(B, n, policy=allow_get(n, {"StringEquals": {"aws:SourceVpc": VPC}}))
    n = "priv-pol-principalorgid"
    add(B, n, policy=allow_get(n, {"StringEquals": {"aws:PrincipalOrgID": ORG}}))
    n = "priv-pol-sourceaccount"
    add(B, n, policy=allow_get(n, {"StringEquals": {"aws:SourceAccount": B}}))
    n = "priv-pol-sourcearn"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:PutObject", obj(n),
                                 {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:%s:%s:trail/org-trail" % (R, B)}})))
    n = "pub-pol-stringlike-sourcevpce-star"
    add(B, n, policy=allow_get(n, {"StringLike": {"aws:SourceVpce": "*"}}))
    n = "pub-pol-stringequalsifexists-sourcevpce"
    add(B, n, policy=allow_get(n, {"StringEqualsIfExists": {"aws:SourceVpce": VPCE}}))
    n = "pub-pol-securetransport-only-condition"
    add(B, n, policy=allow_get(n, {"Bool": {"aws:SecureTransport": "true"}}))
    n = "pub-pol-useragent-condition"
    add(B, n, policy=allow_get(n, {"StringEquals": {"aws:UserAgent": "DealerSync/2.1"}}))
    n = "pub-pol-notprincipal-allow"
    add(B, n, policy=policy(stmt("Allow", None, "s3:GetObject", obj(n),
                                 not_principal={"AWS": "arn:aws:iam::%s:root" % OTHER})))
    n = "priv-pol-deny-all-except-vpce"
    add(B, n, policy=policy(
        stmt("Allow", "*", "s3:GetObject", obj(n), sid="ReadViaEndpoint"),
        stmt("Deny", "*", "s3:*", [bucket_arn(n), obj(n)], {"StringNotEquals": {"aws:SourceVpce": VPCE}},
             sid="DenyOutsideEndpoint")))
    n = "priv-pol-deny-not-principalorgid"
    add(B, n, policy=policy(
        stmt("Allow", "*", ["s3:GetObject", "s3:ListBucket"], [bucket_arn(n), obj(n)], sid="OrgRead"),
        stmt("Deny", "*", "s3:*", [bucket_arn(n), obj(n)], {"StringNotEquals": {"aws:PrincipalOrgID": ORG}},
             sid="DenyOutsideOrg")))
    n = "pub-pol-deny-covers-other-action"
    add(B, n, policy=policy(
        stmt("Allow", "*", "s3:GetObject", obj(n)),
        stmt("Deny", "*", "s3:PutObject", obj(n), {"StringNotEquals": {"aws:SourceVpce": VPCE}})))
    n = "pub-pol-deny-without-condition-other-principal"
    add(B, n, policy=policy(
        stmt("Allow", "*", "s3:GetObject", obj(n)),
        stmt("Deny", {"AWS": "arn:aws:iam::%s:root" % OTHER}, "s3:*", obj(n))))
    n = "priv-pol-deny-securetransport-only"
    add(B, n, policy=policy(stmt("Deny", "*", "s3:*", [bucket_arn(n), obj(n)],
                                 {"Bool": {"aws:SecureTransport": "false"}})))
    n = "priv-pol-named-account"
    add(B, n, policy=allow_get(n, principal={"AWS": "arn:aws:iam::%s:root" % OTHER}))
    n = "priv-pol-service-principal"
    add(B, n, policy=policy(stmt("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", obj(n),
                                 {"StringEquals": {"aws:SourceAccount": B}})))
    n = "pub-pol-putbucketpolicy-only"
    add(B, n, policy=policy(stmt("Allow", "*", ["s3:PutBucketPolicy", "s3:GetBucketPolicy"], bucket_arn(n))))
    n = "priv-pol-putbucketpolicy-restricted"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:PutBucketPolicy", bucket_arn(n))), pab={"RestrictPublicBuckets"})
    n = "priv-pol-restricted-by-bucket-block"
    add(B, n, policy=allow_get(n), pab={"RestrictPublicBuckets"})
    n = "pub-pol-blockpublicpolicy-only"
    add(B, n, policy=allow_get(n), pab={"BlockPublicPolicy"})
    n = "pub-pol-ignorepublicacls-only"
    add(B, n, policy=allow_get(n), pab={"IgnorePublicAcls", "BlockPublicAcls"})

    # ---- issue 9 items 15-16: S3's "meaning of public", clause by clause
    # aws:SourceIp ranges broader than /8 (IPv4) or /32 (IPv6) are public
    n = "pub-pol-sourceip-slash1"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}))
    n = "pub-pol-sourceip-slash7"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": ["52.0.0.0/7", "198.51.100.0/24"]}}))
    n = "pub-pol-sourceip-ipv6-slash16"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "2600::/16"}}))
    n = "priv-pol-sourceip-slash8"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "54.0.0.0/8"}}))
    n = "priv-pol-sourceip-ipv6-slash32"
    add(B, n, policy=allow_get(n, {"IpAddress": {"aws:SourceIp": "2600:1f00::/32"}}))
    n = "pub-pol-deny-outside-broad-range"
    add(B, n, policy=policy(
        stmt("Allow", "*", "s3:GetObject", obj(n)),
        stmt("Deny", "*", "s3:*", [bucket_arn(n), obj(n)], {"NotIpAddress": {"aws:SourceIp": "0.0.0.0/2"}})))
    # any account can create a user named alice
    n = "pub-pol-username-condition"
    add(B, n, policy=allow_get(n, {"StringEquals": {"aws:username": "alice"}}))
    # bad actions are classes: s3:Put*, s3:Delete*, ...
    n = "pub-pol-putbucketwebsite"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:PutBucketWebsite", bucket_arn(n))))
    n = "pub-pol-deleteobjecttagging"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:DeleteObjectTagging", obj(n))))
    n = "pub-pol-putobjectretention"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:PutObjectRetention", obj(n))))
    n = "pub-pol-putobjectversionacl"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:PutObjectVersionAcl", obj(n))))
    # anyone may delete the bucket's own block: the ignored ACL counts again
    n = "pub-pol-anyone-removes-bucket-block"
    add(B, n, grants=[("AllUsers", "Read")], pab={"IgnorePublicAcls", "BlockPublicAcls"},
        policy=policy(stmt("Allow", "*", "s3:PutBucketPublicAccessBlock", bucket_arn(n))))
    # an action S3 does not support: public for S3, nothing anyone can do
    n = "priv-pol-unsupported-action"
    add(B, n, policy=policy(stmt("Allow", "*", "s3:ExportAllObjects", obj(n))))
    # ACL grantees matched exactly, not by substring
    add(B, "priv-acl-canonical-user-named-smallusers",
        grants=[({"id": canonical_id(OTHER), "displayName": "smallusers-team"}, "Read")])
    add(B, "priv-acl-canonical-user-named-allusers",
        grants=[({"id": canonical_id("x" + OTHER), "displayName": "AllUsers"}, "FullControl")])
    add(B, "pub-acl-group-uri-read",
        grants=[({"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Read")])
    # Federated principals: the page's graph.facebook.com example
    n = "pub-pol-federated-web-identity"
    add(B, n, policy=policy(stmt("Allow", {"Federated": "graph.facebook.com"}, "s3:PutObject", "*")))
    n = "priv-pol-federated-saml-provider"
    add(B, n, policy=policy(stmt("Allow", {"Federated": "arn:aws:iam::%s:saml-provider/corp-idp" % B},
                                 "s3:GetObject", obj(n))))
    # a fixed account with a wildcard role name: only that account's roles
    n = "priv-pol-principalarn-account-wildcard-role"
    add(B, n, policy=allow_get(n, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::%s:role/*" % OTHER}}))
    # aws:CurrentTime: a grant that starts later is not public today; one that ends later is
    n = "priv-pol-grant-starts-2030"
    add(B, n, policy=allow_get(n, {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}))
    n = "pub-pol-grant-ends-2030"
    add(B, n, policy=allow_get(n, {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}))
    # RestrictPublicBuckets: the page's Account-2 example. With statement 3
    # public, RestrictPublicBuckets also cuts off Account-2; without it,
    # Account-2 keeps its access
    def account2(n, public):
        sts = [stmt("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", obj(n),
                    {"StringEquals": {"aws:SourceAccount": B}}, sid="CloudTrail"),
               stmt("Allow", {"AWS": "arn:aws:iam::%s:root" % OTHER}, ["s3:GetObject", "s3:ListBucket"],
                    [bucket_arn(n), obj(n)], sid="Account2")]
        if public:
            sts.append(stmt("Allow", "*", "s3:GetObject", obj(n), sid="Public"))
        return policy(*sts)
    n = "priv-pol-account2-blocked-by-restrict"
    add(B, n, policy=account2(n, True), pab={"RestrictPublicBuckets"})
    n = "priv-pol-account2-kept-under-restrict"
    add(B, n, policy=account2(n, False), pab={"RestrictPublicBuckets"})

    # ---- account-level blocks
    add(A, "priv-acl-ignored-by-account-block", grants=[("AllUsers", "Read")])
    add(A, "priv-acl-authusers-ignored-by-account-block", grants=[("AuthenticatedUsers", "FullControl")], region=R2)
    n = "pub-pol-account-ignores-acls-only"
    add(A, n, policy=allow_get(n))
    n = "priv-pol-restricted-by-account-block"
    add(C, n, policy=allow_get(n))
    add(C, "pub-acl-account-restricts-policies-only", grants=[("AllUsers", "Read")])
    add(F, "pub-acl-account-blocks-new-acls-only", grants=[("AllUsers", "Read")])
    n = "pub-pol-account-blocks-new-policies-only"
    add(F, n, policy=allow_get(n))
    add(E, "pub-acl-no-account-block-recorded", grants=[("AllUsers", "Read")])
    return out


def security_groups():
    def sg(gid, name, perms):
        return security_group(B, R, gid, name, VPC, perms)
    return [
        sg("sg-0a000000000003306", "db-open-3306", [perm("tcp", 3306, 3306, v4=["0.0.0.0/0"])]),
        sg("sg-0a000000000063306", "db-open-ipv6-3306", [perm("tcp", 3306, 3306, v6=["::/0"])]),
        sg("sg-0a000000000013306", "db-split-halves-3306",
           [perm("tcp", 3306, 3306, v4=["0.0.0.0/1"]), perm("tcp", 3306, 3306, v4=["128.0.0.0/1"])]),
        sg("sg-0a000000000103306", "db-private-3306", [perm("tcp", 3306, 3306, v4=["10.0.0.0/8"])]),
        sg("sg-0a000000000000443", "web-open-443", [perm("tcp", 443, 443, v4=["0.0.0.0/0"], v6=["::/0"])]),
        sg("sg-0a0000000000000a1", "all-traffic-open", [perm("-1", None, None, v4=["0.0.0.0/0"])]),
        sg("sg-0a00000000003000f", "range-3000-4000-open", [perm("tcp", 3000, 4000, v4=["0.0.0.0/0"])]),
        sg("sg-0a000000000005432", "db-open-5432", [perm("tcp", 5432, 5432, v4=["0.0.0.0/0"])]),
        sg("sg-0a000000000005439", "dw-open-5439", [perm("tcp", 5439, 5439, v4=["0.0.0.0/0"])]),
        sg("sg-0a0000000000000bb", "app-tier-only",
           [perm("tcp", 3306, 5439, groups=["sg-0a0000000000000cc"])]),
        sg("sg-0a0000000000000cc", "app-tier", [perm("tcp", 8080, 8080, v4=["10.20.0.0/16"])]),
        sg("sg-0a0000000000443aa", "partial-internet-3306",
           [perm("tcp", 3306, 3306, v4=["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2"])]),
    ]


def databases():
    def db(ident, sgs, public, **kw):
        return rds_instance(B, R, ident, sgs, public, **kw)
    out = [
        db("pub-rds-open-sg-3306", ["sg-0a000000000003306"], True),
        db("pub-rds-dualstack-open-ipv6-3306", ["sg-0a000000000063306"], True, network_type="DUAL"),
        db("priv-rds-ipv4-only-sg-open-ipv6", ["sg-0a000000000063306"], True),
        db("pub-rds-split-cidr-union-3306", ["sg-0a000000000013306"], True),
        db("pub-rds-all-traffic-sg", ["sg-0a0000000000000a1"], True),
        db("pub-rds-port-range-sg", ["sg-0a00000000003000f"], True),
        db("pub-rds-second-sg-opens-3306", ["sg-0a0000000000000cc", "sg-0a000000000003306"], True),
        db("pub-rds-postgres-5432", ["sg-0a000000000005432"], True, engine="postgres", port=5432),
        db("priv-rds-not-publicly-accessible", ["sg-0a000000000003306"], False),
        db("priv-rds-ipv6-open-not-public", ["sg-0a000000000063306"], False),
        db("priv-rds-sg-private-cidr", ["sg-0a000000000103306"], True),
        db("priv-rds-sg-wrong-port", ["sg-0a000000000000443"], True),
        db("priv-rds-sg-references-only", ["sg-0a0000000000000bb"], True),
        db("priv-rds-partial-cidr-union", ["sg-0a0000000000443aa"], True),
        db("priv-rds-postgres-sg-opens-3306", ["sg-0a000000000003306"], True, engine="postgres", port=5432),
    ]

    # Aurora: the cluster is reachable through a publicly accessible member instance
    out += [
        rds_cluster(B, R, "pub-aurora-public-member", ["sg-0a000000000003306"]),
        db("pub-aurora-public-member-1", ["sg-0a000000000003306"], True, cluster="pub-aurora-public-member"),
        rds_cluster(B, R, "priv-aurora-private-members", ["sg-0a000000000003306"]),
        db("priv-aurora-private-members-1", ["sg-0a000000000003306"], False, cluster="priv-aurora-private-members"),
    ]
    out[-4]["configuration"]["dbclusterMembers"][0]["dbinstanceIdentifier"] = "pub-aurora-public-member-1"
    out[-2]["configuration"]["dbclusterMembers"][0]["dbinstanceIdentifier"] = "priv-aurora-private-members-1"

    def rs(ident, sgs, public, **kw):
        return redshift_cluster(B, R, ident, sgs, public, **kw)
    out += [
        rs("pub-redshift-open-5439", ["sg-0a000000000005439"], True),
        rs("pub-redshift-all-traffic", ["sg-0a0000000000000a1"], True),
        rs("priv-redshift-not-publicly-accessible", ["sg-0a000000000005439"], False),
        rs("priv-redshift-sg-wrong-port", ["sg-0a000000000003306"], True),
    ]
    return out


def domains():
    open_all = lambda n: policy(stmt("Allow", {"AWS": "*"}, "es:*", "arn:aws:es:%s:%s:domain/%s/*" % (R, B, n)))
    open_star = lambda n: policy(stmt("Allow", "*", "es:ESHttpGet", "arn:aws:es:%s:%s:domain/%s/*" % (R, B, n)))
    ip_only = lambda n: policy(stmt("Allow", {"AWS": "*"}, "es:*", "arn:aws:es:%s:%s:domain/%s/*" % (R, B, n),
                                    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}))
    ip_any = lambda n: policy(stmt("Allow", {"AWS": "*"}, "es:*", "arn:aws:es:%s:%s:domain/%s/*" % (R, B, n),
                                   {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}}))
    named = lambda n: policy(stmt("Allow", {"AWS": "arn:aws:iam::%s:role/search-app" % B}, "es:*",
                                  "arn:aws:es:%s:%s:domain/%s/*" % (R, B, n)))
    vpc = (VPC, "sg-0a000000000000443")
    return [
        opensearch_domain(B, R, "pub-os-open-policy", open_all("pub-os-open-policy")),
        opensearch_domain(B, R, "pub-os-sourceip-any", ip_any("pub-os-sourceip-any")),
        opensearch_domain(B, R, "priv-os-in-vpc-open-policy", open_all("priv-os-in-vpc-open-policy"), vpc=vpc),
        opensearch_domain(B, R, "priv-os-ip-restricted", ip_only("priv-os-ip-restricted")),
        opensearch_domain(B, R, "priv-os-named-role", named("priv-os-named-role")),
        # fine-grained access control: an open policy still needs credentials, unless anonymous access is on
        opensearch_domain(B, R, "pub-os-fgac-anonymous", open_all("pub-os-fgac-anonymous"), fgac="anonymous"),
        opensearch_domain(B, R, "priv-os-fgac-open-policy", open_all("priv-os-fgac-open-policy"), fgac="on"),
        elasticsearch_domain(B, R, "pub-es-open-policy", open_star("pub-es-open-policy")),
        elasticsearch_domain(B, R, "priv-es-in-vpc-open-policy", open_star("priv-es-in-vpc-open-policy"), vpc=vpc),
    ]


def snapshots():
    return [
        # AWS refuses to make an encrypted snapshot public, so public ones are unencrypted
        db_snapshot(B, R, "pub-snap-restore-all", "pub-rds-open-sg-3306", ["all"], encrypted=False),
        db_snapshot(B, R, "pub-snap-restore-all-and-account", "priv-rds-not-publicly-accessible", [OTHER, "all"],
                    encrypted=False),
        db_snapshot(B, R, "priv-snap-restore-one-account", "priv-rds-not-publicly-accessible", [OTHER]),
        db_snapshot(B, R, "priv-snap-not-shared", "priv-rds-not-publicly-accessible", []),
        db_cluster_snapshot(B, R, "pub-clustersnap-restore-all", "orders-aurora", ["all"], encrypted=False),
        db_cluster_snapshot(B, R, "priv-clustersnap-restore-account", "orders-aurora", [OTHER]),
        redshift_snapshot(B, R, "priv-redshift-snap-shared-account", "priv-redshift-not-publicly-accessible", [OTHER]),
    ]


def resource_policies():
    """Each service's resource policy, from its documentation's examples: public and
    look-public-but-not (pinned to the owner, to the organization, to a source)."""
    out = []
    a, r = B, R
    def p(*sts):
        return policy(*sts)
    # SNS: the default policy is pinned by AWS:SourceOwner; the console's
    # "everyone can publish/subscribe" statements are public
    tarn = lambda n: "arn:aws:sns:%s:%s:%s" % (r, a, n)
    default_sns = lambda n: stmt("Allow", {"AWS": "*"}, ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes",
                                 "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                                 "SNS:ListSubscriptionsByTopic", "SNS:Publish"], tarn(n),
                                 {"StringEquals": {"AWS:SourceOwner": a}}, sid="__default_statement_ID")
    n = "priv-sns-default-policy"
    out.append(sns_topic(a, r, n, dict(p(default_sns(n)), Id="__default_policy_ID", Version="2008-10-17")))
    n = "pub-sns-console-everyone-subscribe"
    out.append(sns_topic(a, r, n, dict(p(default_sns(n),
                                         stmt("Allow", {"AWS": "*"}, ["SNS:Subscribe", "SNS:Receive"], tarn(n),
                                              sid="__console_sub_0")), Version="2008-10-17")))
    n = "pub-sns-publish-any-source-account"
    out.append(sns_topic(a, r, n, p(stmt("Allow", "*", "sns:Publish", tarn(n),
                                         {"StringLike": {"aws:SourceAccount": "*"}}))))
    n = "priv-sns-s3-events-pinned-source"
    out.append(sns_topic(a, r, n, p(stmt("Allow", {"Service": "s3.amazonaws.com"}, "SNS:Publish", tarn(n),
                                         {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::orders-exports"},
                                          "StringEquals": {"aws:SourceAccount": a}}))))
    n = "priv-sns-organization-only"
    out.append(sns_topic(a, r, n, p(stmt("Allow", "*", ["sns:Subscribe", "sns:Publish"], tarn(n),
                                         {"StringEquals": {"aws:PrincipalOrgID": ORG}}))))
    # SQS
    qarn = lambda n: "arn:aws:sqs:%s:%s:%s" % (r, a, n)
    n = "pub-sqs-anyone-receive"
    out.append(sqs_queue(a, r, n, p(stmt("Allow", "*", ["sqs:ReceiveMessage", "sqs:DeleteMessage"], qarn(n)))))
    n = "pub-sqs-send-broad-sourceip"
    out.append(sqs_queue(a, r, n, p(stmt("Allow", "*", "sqs:SendMessage", qarn(n),
                                         {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}))))
    n = "priv-sqs-sns-topic-source"
    out.append(sqs_queue(a, r, n, p(stmt("Allow", {"Service": "sns.amazonaws.com"}, "sqs:SendMessage", qarn(n),
                                         {"ArnEquals": {"aws:SourceArn": tarn("orders-events")}}),
                                    stmt("Allow", "*", "sqs:SendMessage", qarn(n),
                                         {"ArnEquals": {"aws:SourceArn": tarn("orders-events")}}))))
    n = "priv-sqs-named-account"
    out.append(sqs_queue(a, r, n, p(stmt("Allow", {"AWS": "arn:aws:iam::%s:root" % OTHER},
                                         "sqs:SendMessage", qarn(n)))))
    n = "priv-sqs-no-policy"
    out.append(sqs_queue(a, r, n, None))
    # KMS: the default key policy, an AWS managed key's policy (kms:CallerAccount +
    # kms:ViaService), and keys open to everyone
    root = {"AWS": "arn:aws:iam::%s:root" % a}
    enable = stmt("Allow", root, "kms:*", "*", sid="Enable IAM User Permissions")
    out.append(dict(kms_key_policy(a, r, "6f0e1d2c-3b4a-4596-8877-665544332211", p(enable)),
                    resourceName="priv-kms-default-key-policy"))
    out.append(dict(kms_key_policy(a, r, "7a1b2c3d-4e5f-4061-8273-948576a6b7c8", p(
        stmt("Allow", {"AWS": "*"}, ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                     "kms:CreateGrant", "kms:DescribeKey"], "*",
             {"StringEquals": {"kms:CallerAccount": a, "kms:ViaService": "lambda.%s.amazonaws.com" % r}},
             sid="Allow access through AWS Lambda for all principals in the account that are authorized to use "
                 "AWS Lambda"),
        stmt("Allow", root, ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"], "*")), manager="AWS"),
                    resourceName="priv-kms-aws-managed-lambda-key"))
    out.append(dict(kms_key_policy(a, r, "8b2c3d4e-5f60-4172-8384-a5b6c7d8e9f0", p(
        enable, stmt("Allow", {"AWS": "*"}, ["kms:Decrypt", "kms:DescribeKey"], "*", sid="Everyone"))),
                    resourceName="pub-kms-everyone-decrypt"))
    out.append(dict(kms_key_policy(a, r, "9c3d4e5f-6071-4283-9495-b6c7d8e9f0a1", p(
        enable, stmt("Allow", {"AWS": "*"}, ["kms:Decrypt", "kms:GenerateDataKey*"], "*",
                     {"StringEquals": {"kms:ViaService": "s3.%s.amazonaws.com" % r}}))),
                    resourceName="pub-kms-via-service-any-account"))
    # Lambda: function URLs without authentication; service triggers pinned to a source
    farn = lambda n: "arn:aws:lambda:%s:%s:function:%s" % (r, a, n)
    n = "pub-lambda-function-url-auth-none"
    out.append(lambda_function(a, r, n, p(stmt("Allow", "*", "lambda:InvokeFunctionUrl", farn(n),
                                               {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
                                               sid="FunctionURLAllowPublicAccess"))))
    n = "pub-lambda-invoke-everyone"
    out.append(lambda_function(a, r, n, p(stmt("Allow", {"AWS": "*"}, "lambda:InvokeFunction", farn(n)))))
    n = "priv-lambda-s3-trigger-pinned"
    out.append(lambda_function(a, r, n, p(stmt("Allow", {"Service": "s3.amazonaws.com"}, "lambda:InvokeFunction",
                                               farn(n), {"StringEquals": {"AWS:SourceAccount": a},
                                                         "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::orders-in"}}))))
    n = "priv-lambda-named-account"
    out.append(lambda_function(a, r, n, p(stmt("Allow", {"AWS": "arn:aws:iam::%s:root" % OTHER},
                                               "lambda:InvokeFunction", farn(n)))))
    # ECR
    n = "pub-ecr-anyone-pull"
    out.append(ecr_repository(a, r, n, p(stmt("Allow", "*", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                                             "ecr:BatchCheckLayerAvailability"], None,
                                              sid="AllowPull"))))
    n = "priv-ecr-organization-pull"
    out.append(ecr_repository(a, r, n, p(stmt("Allow", "*", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                                              None, {"StringEquals": {"aws:PrincipalOrgID": ORG}}))))
    n = "priv-ecr-no-policy"
    out.append(ecr_repository(a, r, n, None))
    # EFS: "allow access only through a mount target" still admits every principal
    fsarn = lambda i: "arn:aws:elasticfilesystem:%s:%s:file-system/%s" % (r, a, i)
    out.append(efs_file_system(a, r, "fs-0a1b2c3d4e5f60001", "pub-efs-everyone-via-mount-target", p(
        stmt("Allow", {"AWS": "*"}, ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
             fsarn("fs-0a1b2c3d4e5f60001"), {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}))))
    out.append(efs_file_system(a, r, "fs-0a1b2c3d4e5f60002", "priv-efs-one-role", p(
        stmt("Allow", {"AWS": "arn:aws:iam::%s:role/app-server" % a}, ["elasticfilesystem:ClientMount",
             "elasticfilesystem:ClientWrite"], fsarn("fs-0a1b2c3d4e5f60002"),
             {"Bool": {"aws:SecureTransport": "true"}}))))
    # Secrets Manager: AWS Config records the resource policy as its own item
    n = "pub-secret-policy-everyone"
    out.append(secrets_resource_policy(a, r, n, p(stmt("Allow", "*", "secretsmanager:GetSecretValue", "*"))))
    n = "priv-secret-policy-one-role"
    out.append(secrets_resource_policy(a, r, n, p(stmt("Allow", {"AWS": "arn:aws:iam::%s:role/app" % a},
                                                       "secretsmanager:GetSecretValue", "*"))))
    n = "priv-secret-policy-vpce"
    out.append(secrets_resource_policy(a, r, n, p(stmt("Allow", "*", "secretsmanager:GetSecretValue", "*",
                                                       {"StringEquals": {"aws:SourceVpce": VPCE}}))))
    # S3 access points: the bucket delegates access control to the account's access points
    deleg = lambda b: policy(stmt("Allow", {"AWS": "*"}, "*", [bucket_arn(b), obj(b)],
                                  {"StringEquals": {"s3:DataAccessPointAccount": a}}, sid="DelegateToAccessPoints"))
    bucket = "priv-bucket-delegates-to-access-points"
    out.append(s3_bucket(a, r, bucket, policy=deleg(bucket)))
    bare = "priv-bucket-without-policy-behind-access-point"
    out.append(s3_bucket(a, r, bare))
    aparn = lambda n: "arn:aws:s3:%s:%s:accesspoint/%s" % (r, a, n)
    appol = lambda n: policy(stmt("Allow", "*", "s3:GetObject", aparn(n) + "/object/*", sid="PublicRead"))
    n = "pub-ap-internet-public-policy"
    out.append(s3_access_point(a, r, n, bucket, appol(n)))
    n = "priv-ap-vpc-origin-public-policy"
    out.append(s3_access_point(a, r, n, bucket, appol(n), origin="VPC", vpc=VPC))
    n = "priv-ap-restricted-by-own-block"
    out.append(s3_access_point(a, r, n, bucket, appol(n), pab={"BlockPublicPolicy", "RestrictPublicBuckets"}))
    n = "priv-ap-bucket-does-not-delegate"
    out.append(s3_access_point(a, r, n, bare, appol(n)))
    n = "priv-ap-named-account"
    out.append(s3_access_point(a, r, n, bucket, policy(stmt("Allow", {"AWS": "arn:aws:iam::%s:root" % OTHER},
                                                            "s3:GetObject", aparn(n) + "/object/*"))))
    return out


def collected():
    """Types AWS Config does not record, as collectors write them."""
    a, r = B, R
    larn = "arn:aws:lambda:%s:%s:layer:" % (r, a)
    return [
        ebs_snapshot(a, r, "snap-0a1b2c3d4e5f60001", "pub-ebs-snapshot-group-all", [{"Group": "all"}]),
        ebs_snapshot(a, r, "snap-0a1b2c3d4e5f60002", "priv-ebs-snapshot-shared-account", [{"UserId": OTHER}],
                     encrypted=True),
        ebs_snapshot(a, r, "snap-0a1b2c3d4e5f60003", "priv-ebs-snapshot-not-shared", []),
        ec2_image(a, r, "ami-0a1b2c3d4e5f60001", "pub-ami-launch-group-all", [{"Group": "all"}], public=True),
        ec2_image(a, r, "ami-0a1b2c3d4e5f60002", "priv-ami-shared-account", [{"UserId": OTHER}]),
        lambda_layer_version(a, r, "pub-layer-all-accounts", 3, policy(
            stmt("Allow", "*", "lambda:GetLayerVersion", larn + "pub-layer-all-accounts:3", sid="all-accounts"))),
        lambda_layer_version(a, r, "priv-layer-organization", 1, policy(
            stmt("Allow", "*", "lambda:GetLayerVersion", larn + "priv-layer-organization:1",
                 {"StringEquals": {"aws:PrincipalOrgID": ORG}}, sid="org"))),
        glacier_vault(a, r, "pub-glacier-vault-anyone-retrieve", policy(
            stmt("Allow", "*", ["glacier:InitiateJob", "glacier:GetJobOutput"],
                 "arn:aws:glacier:%s:%s:vaults/pub-glacier-vault-anyone-retrieve" % (r, a)))),
        glacier_vault(a, r, "priv-glacier-vault-lock-deny-delete", policy(
            stmt("Deny", "*", "glacier:DeleteArchive",
                 "arn:aws:glacier:%s:%s:vaults/priv-glacier-vault-lock-deny-delete" % (r, a),
                 {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}, sid="deny-based-on-archive-age"))),
        secret_collected(a, r, "pub-secret-collected-everyone", policy(
            stmt("Allow", {"AWS": "*"}, "secretsmanager:GetSecretValue", "*"))),
    ]


def front_doors():
    """Load balancers, API Gateway stages and EKS endpoints (netreach_front.c), following
    the Elastic Load Balancing, API Gateway and EKS user guides: an internal load balancer
    has only private addresses; an ALB answers only what its security groups admit, on its
    listener ports; an NLB without security groups passes every client; a PRIVATE REST API
    is reachable only through VPC endpoints; a resource policy with a Deny outside an IP
    range or VPC endpoint (the guide's examples) pins the API; an EKS public endpoint is
    open to the CIDRs in publicAccessCidrs (default 0.0.0.0/0)."""
    D = "864208642086"
    V = "vpc-0f1e2d3c4b5a69788"
    sg = lambda gid, name, perms: security_group(D, R, gid, name, V, perms)  # noqa: E731
    out = [
        sg("sg-0f00000000000443a", "lb-web-open-443", [perm("tcp", 443, 443, v4=["0.0.0.0/0"], v6=["::/0"])]),
        sg("sg-0f00000000000443b", "lb-halves-443",
           [perm("tcp", 443, 443, v4=["0.0.0.0/1"]), perm("tcp", 443, 443, v4=["128.0.0.0/1"])]),
        sg("sg-0f00000000000443c", "lb-office-443", [perm("tcp", 443, 443, v4=["203.0.113.0/24"])]),
        sg("sg-0f0000000000080aa", "lb-open-80-only", [perm("tcp", 80, 80, v4=["0.0.0.0/0"])]),
        sg("sg-0f00000000005432a", "nlb-office-5432", [perm("tcp", 5432, 5432, v4=["198.51.100.0/24"])]),
        sg("sg-0f0000000000app01", "app-from-lb", [perm("tcp", 443, 443, groups=["sg-0f00000000000443a"])]),
    ]
    app = ec2_instance(D, R, "i-0f00000000000a001", "crm-app-1", V, "subnet-29428871",
                       [("sg-0f0000000000app01", "app-from-lb")])
    app["tags"]["DataClassification"] = "customer-data"
    app["configuration"]["tags"].append({"key": "DataClassification", "value": "customer-data"})
    web = ec2_instance(D, R, "i-0f00000000000a002", "brochure-web-1", V, "subnet-29428871",
                       [("sg-0f0000000000app01", "app-from-lb")])
    out += [app, web]
    tg_crm = target_group(D, R, "crm-app", ["i-0f00000000000a001"])
    tg_web = target_group(D, R, "brochure-web", ["i-0f00000000000a002"])
    out += [tg_crm, tg_web]

    def lb(name, scheme, sgs, listeners, lb_type="application"):
        b = load_balancer(D, R, name, scheme, sgs, lb_type=lb_type, vpc=V)
        return [b] + [lb_listener(b, p, proto, tg["arn"] if tg else None, action="forward" if tg else "redirect")
                      for p, proto, tg in listeners]
    out += lb("pub-alb-https-open", "internet-facing", ["sg-0f00000000000443a"], [(443, "HTTPS", tg_web)])
    out += lb("pub-alb-crm-customer-data", "internet-facing", ["sg-0f00000000000443a"], [(443, "HTTPS", tg_crm)])
    out += lb("pub-alb-split-halves", "internet-facing", ["sg-0f00000000000443b"], [(443, "HTTPS", tg_web)])
    out += lb("pub-nlb-no-security-groups", "internet-facing", [], [(5432, "TCP", tg_web)], lb_type="network")
    out += lb("priv-alb-internal-open-sg", "internal", ["sg-0f00000000000443a"], [(443, "HTTPS", tg_crm)])
    out += lb("priv-alb-office-only", "internet-facing", ["sg-0f00000000000443c"], [(443, "HTTPS", tg_crm)])
    out += lb("priv-alb-open-port-no-listener", "internet-facing", ["sg-0f0000000000080aa"],
              [(8443, "HTTPS", tg_crm)])
    out += lb("priv-nlb-sg-office-only", "internet-facing", ["sg-0f00000000005432a"], [(5432, "TCP", tg_crm)],
              lb_type="network")
    out += lb("priv-nlb-internal-no-sg", "internal", [], [(5432, "TCP", tg_crm)], lb_type="network")

    # EKS
    out += [
        eks_cluster(D, R, "pub-eks-public-all-cidrs", True, cidrs=["0.0.0.0/0"]),
        eks_cluster(D, R, "pub-eks-public-cidrs-not-recorded", True),
        eks_cluster(D, R, "pub-eks-public-split-halves", True, cidrs=["0.0.0.0/1", "128.0.0.0/1"]),
        eks_cluster(D, R, "priv-eks-private-endpoint-only", False, cidrs=["0.0.0.0/0"]),
        eks_cluster(D, R, "priv-eks-public-office-cidrs", True, cidrs=["203.0.113.0/24", "198.51.100.0/24"]),
    ]

    # REST APIs (API Gateway developer guide, resource policy examples)
    # API Gateway stores "execute-api:/*" expanded to the API's ARN, as GetRestApi returns it
    ex = lambda api_id: "arn:aws:execute-api:%s:%s:%s/*" % (R, D, api_id)  # noqa: E731
    invoke = lambda api_id, *extra: policy(  # noqa: E731
        stmt("Allow", "*", "execute-api:Invoke", ex(api_id)), *[e(api_id) for e in extra])
    deny_ip = lambda api_id: stmt("Deny", "*", "execute-api:Invoke", ex(api_id),  # noqa: E731
                                  {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}})
    deny_vpce = lambda api_id: stmt("Deny", "*", "execute-api:Invoke", ex(api_id),  # noqa: E731
                                    {"StringNotEquals": {"aws:sourceVpce": "vpce-0f1e2d3c4b5a69788"}})

    def rest(api_id, stage, methods=(("GET", "NONE", None),), **kw):
        api = rest_api(D, R, api_id, "api-" + api_id, **kw)
        items = [api, rest_stage(api, stage)]
        items += [rest_method(api, "r%d" % i, m, auth=a, uri=u) for i, (m, a, u) in enumerate(methods)]
        return items
    s3_uri = "arn:aws:apigateway:%s:s3:path/crm-exports/{key}" % R
    out += rest("a1b2c3d4e5", "pub-rest-no-policy")
    out += rest("b1b2c3d4e5", "pub-rest-s3-proxy-no-auth", methods=(("GET", "NONE", s3_uri),
                                                                     ("OPTIONS", "NONE", None)))
    out += rest("c1b2c3d4e5", "pub-rest-policy-open", policy_doc=invoke("c1b2c3d4e5"))
    out += rest("d1b2c3d4e5", "pub-rest-edge-methods-not-recorded", methods=(), types=("EDGE",))
    out += rest("e1b2c3d4e5", "priv-rest-private-endpoint", types=("PRIVATE",),
                policy_doc=invoke("e1b2c3d4e5", deny_vpce))
    out += rest("f1b2c3d4e5", "priv-rest-ip-allowlist", policy_doc=invoke("f1b2c3d4e5", deny_ip))
    out += rest("a2b2c3d4e5", "priv-rest-vpce-only-escaped", policy_doc=invoke("a2b2c3d4e5", deny_vpce),
                escaped=True)
    out += rest("b2b2c3d4e5", "priv-rest-cognito-only", methods=(("GET", "COGNITO_USER_POOLS", s3_uri),
                                                                  ("POST", "CUSTOM", None)))
    out += rest("c2b2c3d4e5", "priv-rest-default-endpoint-disabled", disable_default=True)

    # HTTP APIs
    def http(api_id, stage, integrations=(), **kw):
        api = http_api(D, R, api_id, "http-" + api_id, **kw)
        return [api, http_stage(api, stage)] + [http_integration(api, "i%d" % n, **ig)
                                                for n, ig in enumerate(integrations)]
    out += http("h1b2c3d4e5", "pub-http-api-lambda",
                integrations=[{"uri": "arn:aws:lambda:%s:%s:function:orders" % (R, D)}])
    out += http("h2b2c3d4e5", "pub-http-api-sqs-send", integrations=[{"subtype": "SQS-SendMessage"}])
    out += http("h3b2c3d4e5", "priv-http-api-default-endpoint-disabled", disable_default=True)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    pabs = [account_pab(A, R, {"IgnorePublicAcls"}), account_pab(B, R, set()),
            account_pab(C, R, {"RestrictPublicBuckets"}), account_pab(F, R, {"BlockPublicAcls", "BlockPublicPolicy"})]
    # S3 in a configuration snapshot (1.3 shape), as AWS Config delivers it
    dump(snapshot_file([shape13(i) for i in pabs + buckets()]), os.path.join(OUT, "s3-snapshot.json"))
    # network + databases in the older 1.2 item shape, one history file
    dump(history_file([shape12(i) for i in security_groups() + databases()]), os.path.join(OUT, "databases-history.json"))
    # domains and snapshots as get-resource-config-history API output (configuration as a JSON string)
    dump({"configurationItems": [shape_api(i) for i in domains() + snapshots()]},
         os.path.join(OUT, "domains-snapshots-api.json"))
    # resource policies of other services and access points (1.3 snapshot, as delivered)
    dump(snapshot_file([shape13(i) for i in resource_policies()], snap_id="2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7081"),
         os.path.join(OUT, "resource-policies-snapshot.json"))
    # front doors: load balancers, API stages, EKS (1.3 snapshot, one compact line as AWS delivers it)
    with open(os.path.join(OUT, "front-doors-snapshot.json"), "w") as f:
        json.dump(snapshot_file([shape13(i) for i in front_doors()], snap_id="5e6f7081-92a3-4b4c-8d5e-6f708192a3b4"),
                  f, separators=(",", ":"))
    # types AWS Config does not record, as a collector writes them (1.3 items)
    dump(history_file([shape13(i) for i in collected()]), os.path.join(OUT, "collected-items.json"))


if __name__ == "__main__":
    main()
