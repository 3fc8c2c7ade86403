#!/usr/bin/env python3
"""Regenerate the inputs of the golden cases other than `exactness` (committed; the
tests read the JSON). Resource names say the expected verdict (pub-*/priv-*) here too.

  history-latest-state  history files with several items per resource; only the
                        latest configurationItemCaptureTime counts (deleted = gone)
  change-notifications  change notifications: bare, SNS and EventBridge envelopes,
                        NDJSON with skipped message types, a DELETE
  item-shapes           the same verdicts from 1.3 items, 1.2 items, API output
                        (configuration as a string), gzip, NDJSON, rdk-style items
  hardened-estate       every control on: the built-in pack must find nothing
  fail-on               --fail-on critical over one public bucket: exit status 1
"""
import copy
import gzip
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from awsitems import *  # noqa: E402,F401,F403

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..")
B = "444455556666"
R = "us-east-1"
VPC = "vpc-0c1d2e3f4a5b6c7d8"
T1 = "2026-11-19T21:40:12.004Z"
T2 = "2026-11-20T02:03:55.871Z"
T3 = "2026-11-20T04:30:00.250Z"


def fresh(case):
    d = os.path.join(GOLDEN, case, "inputs")
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def write_gz(obj, path):
    """gzip with a zero timestamp so that regenerating gives the same bytes."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write((json.dumps(obj, indent=2) + "\n").encode())


def allow_get(b, cond=None):
    return policy(stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::%s/*" % b, cond))


def hist_name(rtype, start, end):
    return "%s_Config_%s_ConfigHistory_%s_%s_%s_1.json" % (B, R, rtype, start, end)


def history_latest_state():
    d = fresh("history-latest-state")
    # S3: two six-hour history files, the later one gzip-compressed
    early = [
        account_pab(B, R, {"IgnorePublicAcls"}, capture=T1),
        s3_bucket(B, R, "priv-hist-bucket-fixed", grants=[("AllUsers", "Read")], capture=T1),
        s3_bucket(B, R, "pub-hist-bucket-became-public", capture=T1),
        s3_bucket(B, R, "priv-hist-bucket-deleted", grants=[("AllUsers", "Read")], capture=T1),
        s3_bucket(B, R, "priv-hist-bucket-then-restricted", policy=allow_get("priv-hist-bucket-then-restricted"),
                  capture=T1),
        s3_bucket(B, R, "pub-hist-acl-after-account-block-removed", grants=[("AllUsers", "Read")], capture=T1),
        s3_bucket(B, R, "pub-hist-bucket-unchanged-public", policy=allow_get("pub-hist-bucket-unchanged-public"),
                  capture=T1),
    ]
    late = [
        account_pab(B, R, set(), capture=T2),
        s3_bucket(B, R, "priv-hist-bucket-fixed", capture=T2),
        s3_bucket(B, R, "pub-hist-bucket-became-public", policy=allow_get("pub-hist-bucket-became-public"),
                  capture=T2),
        s3_bucket(B, R, "priv-hist-bucket-deleted", capture=T2, status="ResourceDeleted"),
        s3_bucket(B, R, "priv-hist-bucket-then-restricted", policy=allow_get("priv-hist-bucket-then-restricted"),
                  pab={"RestrictPublicBuckets"}, capture=T2),
    ]
    dump(history_file([shape13(i) for i in early]),
         os.path.join(d, hist_name("AWS::S3::Bucket", "20261119T180000Z", "20261120T000000Z")))
    write_gz(history_file([shape13(i) for i in late]),
             os.path.join(d, hist_name("AWS::S3::Bucket", "20261120T000000Z", "20261120T060000Z") + ".gz"))

    # EC2 + RDS: one file, several items per resource, NEWEST FIRST within the file
    sg = lambda gid, name, cidr, t: security_group(B, R, gid, name, VPC, [perm("tcp", 3306, 3306, v4=[cidr])],
                                                   capture=t)
    db = lambda ident, sgs, public, t: rds_instance(B, R, ident, sgs, public, capture=t)
    items = [
        sg("sg-0e000000000000001", "hist-db-open", "0.0.0.0/0", T2),
        sg("sg-0e000000000000002", "hist-db-closed-later", "10.0.0.0/8", T3),
        sg("sg-0e000000000000002", "hist-db-closed-later", "0.0.0.0/0", T1),
        db("priv-hist-db-made-private", ["sg-0e000000000000001"], False, T3),
        db("priv-hist-db-made-private", ["sg-0e000000000000001"], True, T1),
        db("pub-hist-db-made-public", ["sg-0e000000000000001"], True, T2),
        db("pub-hist-db-made-public", ["sg-0e000000000000001"], False, T1),
        db("priv-hist-db-behind-closed-sg", ["sg-0e000000000000002"], True, T2),
        db("priv-hist-db-behind-closed-sg", ["sg-0e000000000000002"], True, T1),
    ]
    dump(history_file([shape13(i) for i in items]),
         os.path.join(d, hist_name("AWS::RDS::DBInstance", "20261119T180000Z", "20261120T060000Z")))


def change_notifications():
    d = fresh("change-notifications")
    b1 = s3_bucket(B, R, "pub-notif-bucket-public-policy", policy=allow_get("pub-notif-bucket-public-policy"),
                   capture=T1)
    dump(change_notification(shape13(b1), "CREATE"), os.path.join(d, "bare-notification.json"))

    # SNS envelope (the Message is the notification as a JSON string)
    sgi = security_group(B, R, "sg-0f000000000003306", "notif-db-open", VPC,
                         [perm("tcp", 3306, 3306, v4=["0.0.0.0/0"])], capture=T1)
    dbi = rds_instance(B, R, "pub-notif-rds-open", ["sg-0f000000000003306"], True, capture=T1)
    sns = {
        "Type": "Notification", "MessageId": "7d3e1f52-8b2c-5e9a-b1f0-3c6d4e2a9b81",
        "TopicArn": "arn:aws:sns:%s:%s:config-topic" % (R, B),
        "Subject": "[AWS Config:%s] AWS::RDS::DBInstance pub-notif-rds-open Created in Account %s" % (R, B),
        "Message": json.dumps(change_notification(shape13(dbi), "CREATE")),
        "Timestamp": "2026-11-19T21:40:14.202Z", "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+2Dk3bkB0Y6yqB1pVd8p2eW0rQ2kOa1M3t7dQ==",
        "SigningCertURL": "https://sns.%s.amazonaws.com/SimpleNotificationService-example.pem" % R,
        "UnsubscribeURL": "https://sns.%s.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:%s:%s:config-topic:0f1e2d3c" % (R, R, B),
    }
    dump(sns, os.path.join(d, "sns-envelope.json"))

    # EventBridge event
    eb = {
        "version": "0", "id": "3f1c2b4a-5d6e-7f80-91a2-b3c4d5e6f708", "detail-type": "Config Configuration Item Change",
        "source": "aws.config", "account": B, "time": "2026-11-19T21:40:13Z", "region": R,
        "resources": [sgi["arn"]],
        "detail": change_notification(shape13(sgi), "CREATE"),
    }
    dump(eb, os.path.join(d, "eventbridge-event.json"))

    # NDJSON as a Lambda or SQS consumer would archive it: several notifications,
    # a later one fixing a bucket, a DELETE, and message types that carry no item
    fixed_t1 = s3_bucket(B, R, "priv-notif-bucket-fixed", grants=[("AllUsers", "Read")], capture=T1)
    fixed_t2 = s3_bucket(B, R, "priv-notif-bucket-fixed", capture=T2)
    gone_t1 = s3_bucket(B, R, "priv-notif-bucket-deleted", policy=allow_get("priv-notif-bucket-deleted"), capture=T1)
    gone_t2 = s3_bucket(B, R, "priv-notif-bucket-deleted", capture=T2, status="ResourceDeleted")
    lines = [
        change_notification(shape13(fixed_t1), "CREATE"),
        {"configSnapshotId": "00000000-0000-0000-0000-000000000000", "s3ObjectKey": "AWSLogs/%s/Config/%s/2026/11/20/ConfigSnapshot/x.json.gz" % (B, R),
         "s3Bucket": "config-bucket-%s" % B, "notificationCreationTime": T2,
         "messageType": "ConfigurationSnapshotDeliveryCompleted", "recordVersion": "1.1"},
        change_notification(shape13(gone_t1), "CREATE"),
        {"configurationItemSummary": {"changeType": "UPDATE", "configurationItemVersion": "1.3",
                                      "configurationItemCaptureTime": T2, "configurationStateId": 1,
                                      "awsAccountId": B, "configurationItemStatus": "OK",
                                      "resourceType": "AWS::S3::Bucket", "resourceId": "big-bucket",
                                      "resourceName": "big-bucket", "ARN": "arn:aws:s3:::big-bucket",
                                      "awsRegion": R, "availabilityZone": "Regional",
                                      "configurationStateMd5Hash": "", "resourceCreationTime": T1},
         "s3DeliverySummary": {"s3BucketLocation": "config-bucket-%s/AWSLogs/%s/Config/%s/2026/11/20/OversizedChangeNotification/x.json.gz" % (B, B, R),
                               "errorCode": None, "errorMessage": None},
         "notificationCreationTime": T2, "messageType": "OversizedConfigurationItemChangeNotification",
         "recordVersion": "1.0"},
        change_notification(shape13(fixed_t2), "UPDATE",
                            {"SupplementaryConfiguration.AccessControlList": {"changeType": "UPDATE"}}),
        change_notification(shape13(gone_t2), "DELETE"),
    ]
    with open(os.path.join(d, "notifications.ndjson"), "w") as f:
        for x in lines:
            f.write(json.dumps(x, separators=(",", ":")) + "\n")


def item_shapes():
    d = fresh("item-shapes")
    pub = lambda n: s3_bucket(B, R, n, grants=[("AllUsers", "Read")])
    pubpol = lambda n: s3_bucket(B, R, n, policy=allow_get(n))
    priv = lambda n: s3_bucket(B, R, n, pab={"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                             "RestrictPublicBuckets"}, grants=[("AllUsers", "Read")],
                               policy=allow_get(n))
    dump(shape13(pub("pub-shape13-acl")), os.path.join(d, "item-1.3-acl.json"))
    dump(shape13(pubpol("pub-shape13-policy")), os.path.join(d, "item-1.3-policy.json"))
    dump(shape13(priv("priv-shape13-blocked")), os.path.join(d, "item-1.3-blocked.json"))
    dump(shape12(pub("pub-shape12-acl")), os.path.join(d, "item-1.2-acl.json"))
    dump(shape12(pubpol("pub-shape12-policy")), os.path.join(d, "item-1.2-policy.json"))
    dump(shape12(priv("priv-shape12-blocked")), os.path.join(d, "item-1.2-blocked.json"))
    dump({"configurationItems": [shape_api(pub("pub-shapeapi-acl")), shape_api(pubpol("pub-shapeapi-policy")),
                                 shape_api(priv("priv-shapeapi-blocked"))]},
         os.path.join(d, "get-resource-config-history.json"))
    # a gzip snapshot with a reachable database and its group
    sgi = security_group(B, R, "sg-0d000000000003306", "shapes-db-open", VPC, [perm("tcp", 3306, 3306, v4=["0.0.0.0/0"])])
    write_gz(snapshot_file([shape13(sgi), shape13(rds_instance(B, R, "pub-gzip-rds-open", ["sg-0d000000000003306"], True)),
                            shape13(rds_instance(B, R, "priv-gzip-rds-private", ["sg-0d000000000003306"], False))]),
             os.path.join(d, "snapshot.json.gz"))
    # NDJSON of bare 1.2 items
    with open(os.path.join(d, "items.ndjson"), "w") as f:
        for it in (db_snapshot(B, R, "pub-ndjson-snapshot-all", "x", ["all"], encrypted=False),
                   db_snapshot(B, R, "priv-ndjson-snapshot-shared", "x", ["999988887777"])):
            f.write(json.dumps(shape12(it), separators=(",", ":")) + "\n")
    # the rdk example style: IAM policy documents already decoded (an array of documents)
    u = iam_user(B, "rdk-style-admin", inline=[("everything", policy(stmt("Allow", None, "*", "*")))])
    u13 = shape13(u)
    for p in u13["configuration"]["userPolicyList"]:
        from urllib.parse import unquote
        p["policyDocument"] = [json.loads(unquote(p["policyDocument"]))]
    dump(u13, os.path.join(d, "rdk-style-iam-user.json"))


def hardened_estate():
    d = fresh("hardened-estate")
    key = "arn:aws:kms:%s:%s:key/1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b" % (R, B)
    tls_only = lambda n: policy(stmt("Deny", "*", "s3:*", ["arn:aws:s3:::" + n, "arn:aws:s3:::%s/*" % n],
                                     {"Bool": {"aws:SecureTransport": "false"}}, sid="DenyInsecureTransport"))
    all4 = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}
    items = [account_pab(B, R, all4)]
    for n in ("priv-hardened-data", "priv-hardened-logs"):
        items.append(s3_bucket(B, R, n, policy=tls_only(n), pab=all4, sse="aws:kms", kms_key=key,
                               logging_to="priv-hardened-logs", versioning="Enabled", mfa_delete=True))
    sg_app = security_group(B, R, "sg-0c0000000000000a1", "app", VPC, [perm("tcp", 8443, 8443, v4=["10.0.0.0/16"])])
    sg_db = security_group(B, R, "sg-0c0000000000000d1", "db", VPC, [perm("tcp", 3306, 3306, groups=["sg-0c0000000000000a1"])])
    sg_dw = security_group(B, R, "sg-0c0000000000000d2", "dw", VPC, [perm("tcp", 5439, 5439, groups=["sg-0c0000000000000a1"])])
    items += [sg_app, sg_db, sg_dw]
    items.append(ec2_instance(B, R, "i-0c1c2c3c4c5c6c7c8", "app-1", VPC, "subnet-0a1b2c3d4e5f60718",
                              [("sg-0c0000000000000a1", "app")]))
    items.append(ebs_volume(B, R, "vol-0c1c2c3c4c5c6c7c8", True, instance="i-0c1c2c3c4c5c6c7c8", kms_key=key))
    items.append(rds_instance(B, R, "priv-hardened-db", ["sg-0c0000000000000d1"], False, multi_az=True))
    items.append(rds_cluster(B, R, "priv-hardened-aurora", ["sg-0c0000000000000d1"]))
    items.append(db_snapshot(B, R, "priv-hardened-db-snap", "priv-hardened-db", []))
    items.append(db_cluster_snapshot(B, R, "priv-hardened-aurora-snap", "priv-hardened-aurora", []))
    items.append(redshift_cluster(B, R, "priv-hardened-dw", ["sg-0c0000000000000d2"], False, retention=7))
    items.append(redshift_snapshot(B, R, "priv-hardened-dw-snap", "priv-hardened-dw"))
    items.append(opensearch_domain(B, R, "priv-hardened-search", policy(
        stmt("Allow", {"AWS": "arn:aws:iam::%s:role/search-app" % B}, "es:ESHttp*",
             "arn:aws:es:%s:%s:domain/priv-hardened-search/*" % (R, B))), vpc=(VPC, "sg-0c0000000000000a1")))
    items.append(elasticsearch_domain(B, R, "priv-hardened-es", policy(
        stmt("Allow", {"AWS": "arn:aws:iam::%s:role/search-app" % B}, "es:ESHttp*",
             "arn:aws:es:%s:%s:domain/priv-hardened-es/*" % (R, B))), vpc=(VPC, "sg-0c0000000000000a1")))
    items.append(dynamodb_table(B, R, "priv-hardened-table", sse=key, pitr=True))
    items.append(iam_user(B, "alice", groups=["engineers"]))
    items.append(iam_role(B, "app-role", policy(stmt("Allow", {"Service": "ec2.amazonaws.com"}, "sts:AssumeRole", None)),
                          inline=[("read-data", policy(stmt("Allow", None, "s3:GetObject",
                                                             "arn:aws:s3:::priv-hardened-data/*")))]))
    items.append(iam_policy(B, "read-only-data", policy(stmt("Allow", None, ["s3:GetObject", "s3:ListBucket"],
                                                             ["arn:aws:s3:::priv-hardened-data",
                                                              "arn:aws:s3:::priv-hardened-data/*"]))))
    items.append(cloudtrail(B, R, "org-trail", "priv-hardened-logs", kms=key))
    items.append(kms_key(B, R, "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "data key", rotation=True))
    dump(snapshot_file([shape13(i) for i in items]), os.path.join(d, "snapshot.json"))


def fail_on():
    d = fresh("fail-on")
    dump(snapshot_file([shape13(s3_bucket(B, R, "pub-fail-on-bucket", policy=allow_get("pub-fail-on-bucket"),
                                          pab=set()))]), os.path.join(d, "snapshot.json"))


if __name__ == "__main__":
    history_latest_state()
    change_notifications()
    item_shapes()
    hardened_estate()
    fail_on()
