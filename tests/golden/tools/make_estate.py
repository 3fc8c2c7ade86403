#!/usr/bin/env python3
"""Regenerate examples/estate/snapshot.json: the AWS Config configuration snapshot
of Harbour City Motor Group, a small car dealer group (see examples/README.md).
The snapshot is committed; `make demo` reads the JSON, not this script."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from awsitems import *  # noqa: E402,F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "..", "examples", "estate", "snapshot.json")

P = "210987654321"   # hcmg-prod
D = "210987600042"   # hcmg-dealer-network (partner integrations)
DR = "210987611111"  # hcmg-dr (disaster recovery copies)
ORG = "o-7hc3mg9x2q"
R = "ap-southeast-2"
VPC = "vpc-05e1c3a7b9d2f4680"
VPCE = "vpce-0f3e2d1c0b9a87654"
SUB_PUB = "subnet-0e7a1c3b5d9f24680"
SUB_PRIV = "subnet-0c2b4d6f8a0e13579"


def o(b):
    return "arn:aws:s3:::%s/*" % b


def b_(b):
    return "arn:aws:s3:::%s" % b


def main():
    items = []
    add = items.append
    key_crm = "arn:aws:kms:%s:%s:key/6e0f5d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6" % (R, P)
    key_logs = "arn:aws:kms:%s:%s:key/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" % (R, P)

    # account-wide S3 Block Public Access, prod: the two ACL settings only
    add(account_pab(P, R, {"BlockPublicAcls", "IgnorePublicAcls"}))

    # --- S3, prod
    add(s3_bucket(P, R, "hcmg-marketing-assets", grants=[("AllUsers", "Read")],
                  logging_to="hcmg-s3-access-logs", versioning="Enabled",
                  tags={"team": "marketing", "data-class": "public"}))
    add(s3_bucket(P, R, "hcmg-service-manuals", policy=policy(
        stmt("Allow", "*", "s3:GetObject", o("hcmg-service-manuals"),
             {"StringEquals": {"aws:SourceVpce": VPCE}}, sid="WorkshopTabletsViaEndpoint")),
        logging_to="hcmg-s3-access-logs", versioning="Enabled", tags={"team": "service"}))
    add(s3_bucket(P, R, "hcmg-finance-archive", policy=policy(
        stmt("Allow", "*", ["s3:GetObject", "s3:ListBucket"], [b_("hcmg-finance-archive"), o("hcmg-finance-archive")],
             sid="GroupWideRead"),
        stmt("Deny", "*", "s3:*", [b_("hcmg-finance-archive"), o("hcmg-finance-archive")],
             {"StringNotEquals": {"aws:PrincipalOrgID": ORG}}, sid="DenyOutsideOrganisation")),
        sse="aws:kms", kms_key=key_crm, logging_to="hcmg-s3-access-logs", versioning="Enabled", mfa_delete=True,
        tags={"team": "finance", "data-class": "customer-pii"}))
    add(s3_bucket(P, R, "hcmg-cloudtrail-logs", policy=policy(
        stmt("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:GetBucketAcl", b_("hcmg-cloudtrail-logs"),
             sid="AWSCloudTrailAclCheck"),
        stmt("Allow", {"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", o("hcmg-cloudtrail-logs"),
             {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": P}},
             sid="AWSCloudTrailWrite"),
        stmt("Deny", "*", "s3:*", [b_("hcmg-cloudtrail-logs"), o("hcmg-cloudtrail-logs")],
             {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport")),
        sse="aws:kms", kms_key=key_logs, logging_to="hcmg-s3-access-logs", versioning="Enabled",
        pab={"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"},
        tags={"team": "security"}))
    add(s3_bucket(P, R, "hcmg-s3-access-logs", grants=[("LogDelivery", "Write"), ("LogDelivery", "ReadAcp")],
                  versioning="Enabled",
                  pab={"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"},
                  tags={"team": "security"}))
    add(s3_bucket(P, R, "hcmg-crm-backups", sse="aws:kms", kms_key=key_crm, versioning="Enabled",
                  pab={"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"},
                  tags={"team": "crm", "data-class": "customer-pii"}))
    add(s3_bucket(P, R, "hcmg-website-prod", policy=policy(
        stmt("Allow", "*", "s3:GetObject", o("hcmg-website-prod"), sid="PublicWebsite")),
        website=True, logging_to="hcmg-s3-access-logs", versioning="Enabled",
        tags={"team": "marketing", "data-class": "public", "purpose": "website"}))

    # --- S3, dealer network account (no account-level block)
    add(s3_bucket(D, R, "hcmg-dealer-exports", grants=[("AllUsers", "Read")],
                  tags={"team": "dealer-integrations", "data-class": "customer-pii"}))
    add(s3_bucket(D, R, "hcmg-dealer-uploads", versioning="Enabled",
                  pab={"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"},
                  tags={"team": "dealer-integrations"}))

    # --- network
    add(security_group(P, R, "sg-0b1a2c3d4e5f60711", "bastion-ssh", VPC,
                       [perm("tcp", 22, 22, v4=["0.0.0.0/0"])], "SSH to the bastion host"))
    add(security_group(P, R, "sg-0b1a2c3d4e5f60722", "web-alb", VPC,
                       [perm("tcp", 443, 443, v4=["0.0.0.0/0"], v6=["::/0"]),
                        perm("tcp", 80, 80, v4=["0.0.0.0/0"], v6=["::/0"])], "public load balancer"))
    add(security_group(P, R, "sg-0b1a2c3d4e5f60733", "crm-app", VPC,
                       [perm("tcp", 8080, 8080, groups=["sg-0b1a2c3d4e5f60722"])], "CRM application servers"))
    add(security_group(P, R, "sg-0b1a2c3d4e5f60744", "crm-db", VPC,
                       [perm("tcp", 3306, 3306, groups=["sg-0b1a2c3d4e5f60733"]),
                        perm("tcp", 3306, 3306, v4=["0.0.0.0/0"])],
                       "CRM database - TEMP open for dealer ETL (INC-4471)"))
    add(security_group(P, R, "sg-0b1a2c3d4e5f60755", "reporting-db", VPC,
                       [perm("tcp", 5432, 5432, v4=["0.0.0.0/0"])], "reporting database"))
    add(security_group(P, R, "sg-0b1a2c3d4e5f60766", "analytics-dw", VPC,
                       [perm("tcp", 5439, 5439, v4=["10.40.0.0/16"])], "Redshift from the office VPN range"))
    add(security_group(P, R, "sg-0b1a2c3d4e5f60777", "leads-search", VPC,
                       [perm("tcp", 443, 443, groups=["sg-0b1a2c3d4e5f60733"])], "OpenSearch from the CRM app"))

    add(ec2_instance(P, R, "i-0d4c3b2a1f0e9d8c7", "bastion", VPC, SUB_PUB, [("sg-0b1a2c3d4e5f60711", "bastion-ssh")],
                     public_ip="13.211.40.17", http_tokens="optional", instance_type="t3.micro"))
    add(ec2_instance(P, R, "i-0a1b2c3d4e5f60718", "crm-app-1", VPC, SUB_PRIV, [("sg-0b1a2c3d4e5f60733", "crm-app")]))
    add(ec2_instance(P, R, "i-0a1b2c3d4e5f60729", "crm-app-2", VPC, SUB_PRIV, [("sg-0b1a2c3d4e5f60733", "crm-app")]))
    add(ebs_volume(P, R, "vol-0f1e2d3c4b5a69788", False, instance="i-0d4c3b2a1f0e9d8c7", size=8))
    add(ebs_volume(P, R, "vol-0a9b8c7d6e5f43210", True, instance="i-0a1b2c3d4e5f60718"))
    add(ebs_volume(P, R, "vol-0a9b8c7d6e5f43221", True, instance="i-0a1b2c3d4e5f60729"))

    # --- databases
    add(rds_instance(P, R, "hcmg-crm-db", ["sg-0b1a2c3d4e5f60744"], True, deletion_protection=False, encrypted=False,
                     vpc=VPC, tags={"team": "crm", "data-class": "customer-pii"}))
    add(rds_instance(P, R, "hcmg-reporting-db", ["sg-0b1a2c3d4e5f60755"], False, engine="postgres", port=5432,
                     vpc=VPC, backup_days=1, auto_minor=False, tags={"team": "bi", "data-class": "customer-pii"}))
    add(rds_cluster(P, R, "hcmg-inventory-aurora", ["sg-0b1a2c3d4e5f60733"]))
    # the CRM database predates the encryption policy, so its snapshots are unencrypted too
    # (which is also why the migration snapshot could be made public at all)
    add(db_snapshot(P, R, "hcmg-crm-db-pre-migration-2026-10", "hcmg-crm-db", ["all"], encrypted=False))
    add(db_snapshot(P, R, "hcmg-crm-db-dr-copy-2026-11", "hcmg-crm-db", [DR], encrypted=False))
    add(db_snapshot(P, R, "rds:hcmg-crm-db-2026-11-19-16-05", "hcmg-crm-db", [], snapshot_type="automated",
                    encrypted=False))
    add(redshift_cluster(P, R, "hcmg-analytics-dw", ["sg-0b1a2c3d4e5f60766"], False, retention=7))
    add(opensearch_domain(P, R, "hcmg-leads-search", policy(
        stmt("Allow", {"AWS": "*"}, "es:*", "arn:aws:es:%s:%s:domain/hcmg-leads-search/*" % (R, P))),
        vpc=(VPC, "sg-0b1a2c3d4e5f60777")))
    add(dynamodb_table(P, R, "hcmg-test-drive-bookings", pitr=False))
    add(dynamodb_table(P, R, "hcmg-vehicle-catalogue", sse=key_crm, pitr=True))

    # --- identity, logging, keys
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    add(iam_user(P, "ci-deployer", attached=[admin]))
    add(iam_user(P, "j.nguyen", groups=["dealer-support"]))
    add(iam_user(P, "dms-sync", inline=[("dealer-sync", policy(
        stmt("Allow", None, ["s3:PutObject", "s3:GetObject"], o("hcmg-dealer-uploads"))))]))
    add(iam_role(P, "crm-app-role", policy(stmt("Allow", {"Service": "ec2.amazonaws.com"}, "sts:AssumeRole", None)),
                 attached=["arn:aws:iam::%s:policy/crm-app-access" % P]))
    add(iam_policy(P, "hcmg-legacy-full-access", policy(stmt("Allow", None, "*", "*"))))
    add(cloudtrail(P, R, "hcmg-org-trail", "hcmg-cloudtrail-logs", kms=None))
    add(kms_key(P, R, "6e0f5d2a-1b3c-4d5e-8f90-a1b2c3d4e5f6", "CRM data key", rotation=False))
    add(kms_key(P, R, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "log archive key", rotation=True))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    dump(snapshot_file([shape13(i) for i in items], "b3c7e1a2-9f4d-4c6b-8a1e-5d2f0c9b7a34"), OUT)
    print("%d configuration items -> %s" % (len(items), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
