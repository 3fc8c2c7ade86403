#!/usr/bin/env python3
"""Seeds of the watch fuzz targets, from the shapes AWS delivers (tests/watch/watch_data.py and
tests/history/awsconfig_data.py): compact single-line JSON as SNS, EventBridge and AWS Config
write it. Writes tests/fuzz/corpus/watch_envelope/* and tests/fuzz/corpus/watch_ctrail/*.

usage: watch_seeds.py   (from anywhere; rewrites the seed files)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "watch"))
import watch_data as W  # noqa: E402

cfg = W.cfg
T0, T1 = "2026-12-01T00:00:00.000Z", "2026-12-07T10:00:00Z"
E = ["3ba1ab5e-0000-4000-8000-%012d" % i for i in range(40)]


def write(d, name, *lines):
    with open(os.path.join(HERE, "corpus", d, name), "w", encoding="utf-8") as f:
        f.write("\n".join(cfg.compact(x) for x in lines) + "\n")


def rds_event(name, params, response, eid):
    return W.cloudtrail("rds.amazonaws.com", name, T1, eid, params, response=response)


def main():
    b = cfg.bucket("cust-data", T0)
    bp = cfg.bucket("cust-data", "2026-12-07T10:03:00.000Z", public_read_policy=True)
    sg = cfg.security_group("sg-0a1b2c3d4e5f60789", T0, "10.0.0.0/8")
    db = cfg.rds_instance("crm", "db-ABCDEFGHIJKLMNOPQRSTUVWXY", "sg-0a1b2c3d4e5f60789", T0)
    pab = cfg.account_pab(T0, True)
    snap = cfg.base("AWS::RDS::DBSnapshot", "crm-final", "crm-final",
                    "arn:aws:rds:%s:%s:snapshot:crm-final" % (W.REGION, W.ACCOUNT), T0)
    snap["configuration"] = {"dBSnapshotIdentifier": "crm-final", "snapshotType": "manual", "encrypted": False}
    snap["supplementaryConfiguration"] = {"DBSnapshotAttributes": [{"attributeName": "restore",
                                                                    "attributeValues": ["444455556666"]}]}
    csnap = cfg.base("AWS::RDS::DBClusterSnapshot", "cs1", "cs1",
                     "arn:aws:rds:%s:%s:cluster-snapshot:cs1" % (W.REGION, W.ACCOUNT), T0)
    csnap["supplementaryConfiguration"] = {"DBClusterSnapshotAttributes": [{"attributeName": "restore",
                                                                            "attributeValues": []}]}
    # ---- envelopes: one record per file, and NDJSON bodies
    note = cfg.notification(bp, b)
    write("watch_envelope", "sns-config-item", W.sns(note, "sns-1"))
    write("watch_envelope", "eventbridge-config-item",
          {"version": "0", "id": "eb-ci-1", "detail-type": "Config Configuration Item Change", "source": "aws.config",
           "account": W.ACCOUNT, "time": T1, "region": W.REGION, "resources": [bp["ARN"]], "detail": note})
    write("watch_envelope", "eventbridge-cloudtrail", W.eventbridge(W.put_bucket_policy("cust-data", T1, E[1]), "eb-1"))
    write("watch_envelope", "bare-cloudtrail", W.sg_ingress("sg-0a1b2c3d4e5f60789", T1, E[2], "0.0.0.0/0"))
    write("watch_envelope", "bare-item", db)
    write("watch_envelope", "notification", cfg.notification(sg))
    write("watch_envelope", "sns-oversized", W.sns(W.oversized("AWS::S3::Bucket", "cust-logs", "arn:aws:s3:::cust-logs",
                                                               T1, 1765101780000), "sns-2"))
    write("watch_envelope", "sns-subscription",
          {"Type": "SubscriptionConfirmation", "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
           "Token": "2336412f37fb687f5d51e6e2425c464de12884f3b3f5b0e1e1f1c2c3d4e5f6a7b8c9d0",
           "TopicArn": "arn:aws:sns:%s:%s:config-topic" % (W.REGION, W.ACCOUNT),
           "Message": "You have chosen to subscribe to the topic. To confirm the subscription, visit the SubscribeURL "
                      "included in this message.",
           "SubscribeURL": "https://sns.%s.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:%s:%s:"
                           "config-topic&Token=2336412f37fb" % (W.REGION, W.REGION, W.ACCOUNT),
           "Timestamp": "2026-12-07T10:00:00.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE==",
           "SigningCertURL": "https://sns.%s.amazonaws.com/SimpleNotificationService-x.pem" % W.REGION})
    write("watch_envelope", "sns-delivery-notice", W.sns(
        {"s3ObjectKey": "AWSLogs/%s/Config/%s/2026/12/7/ConfigHistory/x.json.gz" % (W.ACCOUNT, W.REGION),
         "s3Bucket": "config-bucket", "notificationCreationTime": T1,
         "messageType": "ConfigurationHistoryDeliveryCompleted", "recordVersion": "1.1"}, "sns-3"))
    write("watch_envelope", "history-file", {"fileVersion": "1.0", "configurationItems": [b, bp, pab]})
    write("watch_envelope", "cloudtrail-file", {"Records": [W.account_block(T1, E[3], False),
                                                            W.put_bucket_acl("cust-data", T1, E[4], "public-read")]})
    write("watch_envelope", "ndjson-mixed", W.eventbridge(W.delete_bucket_policy("cust-data", T1, E[5]), "eb-5"),
          W.sns(cfg.notification(cfg.bucket("cust-data", T0, status="ResourceDeleted"), b), "sns-4"),
          {"what": "is this"}, cfg.notification(csnap))
    # ---- CloudTrail calls: line 1 the event (bare or EventBridge), line 2 the current item
    calls = [
        ("put-bucket-policy", W.eventbridge(W.put_bucket_policy("cust-data", T1, E[10]), "eb-10"), b),
        ("delete-bucket-policy", W.delete_bucket_policy("cust-data", T1, E[11]), bp),
        ("put-bucket-acl-canned", W.put_bucket_acl("cust-data", T1, E[12], "public-read-write"), b),
        ("put-bucket-acl-body", W.cloudtrail("s3.amazonaws.com", "PutBucketAcl", T1, E[13], {
            "bucketName": "cust-data", "acl": [""], "Host": "s3.%s.amazonaws.com" % W.REGION,
            "AccessControlPolicy": {"AccessControlList": {"Grant": [
                {"Grantee": {"xsi:type": "CanonicalUser", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                             "ID": cfg.OWNER}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"xsi:type": "Group", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                             "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]},
                "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Owner": {"ID": cfg.OWNER}}}), b),
        ("put-bucket-acl-grant-header", W.cloudtrail("s3.amazonaws.com", "PutBucketAcl", T1, E[14], {
            "bucketName": "cust-data", "acl": [""],
            "x-amz-grant-read": ["uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\", id=\"other\""]}), b),
        ("put-bucket-pab", W.cloudtrail("s3.amazonaws.com", "PutBucketPublicAccessBlock", T1, E[15], {
            "publicAccessBlock": "", "bucketName": "cust-data", "PublicAccessBlockConfiguration": {
                "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "RestrictPublicBuckets": False,
                "BlockPublicPolicy": True, "BlockPublicAcls": False, "IgnorePublicAcls": False},
            "Host": "cust-data.s3.%s.amazonaws.com" % W.REGION}), b),
        ("delete-bucket-pab", W.cloudtrail("s3.amazonaws.com", "DeleteBucketPublicAccessBlock", T1, E[16],
                                           {"bucketName": "cust-data", "publicAccessBlock": ""}), b),
        ("put-account-pab", W.eventbridge(W.account_block(T1, E[17], False), "eb-17"), pab),
        ("delete-account-pab", W.account_block(T1, E[18], None), pab),
        ("sg-authorize", W.eventbridge(W.sg_ingress("sg-0a1b2c3d4e5f60789", T1, E[19], "0.0.0.0/0"), "eb-19"), sg),
        ("sg-revoke", W.sg_ingress("sg-0a1b2c3d4e5f60789", T1, E[20], "10.0.0.0/8", authorize=False), sg),
        ("sg-revoke-rule-ids", W.cloudtrail("ec2.amazonaws.com", "RevokeSecurityGroupIngress", T1, E[21], {
            "groupId": "sg-0a1b2c3d4e5f60789", "securityGroupRuleIds": {"items": [{"securityGroupRuleId":
                                                                                   "sgr-0123456789abcdef0"}]}}), sg),
        ("modify-db-public", rds_event("ModifyDBInstance", {"dBInstanceIdentifier": "crm", "publiclyAccessible": True,
                                                            "applyImmediately": True},
                                       {"dBInstanceIdentifier": "crm", "dBInstanceClass": "db.t3.medium",
                                        "engine": "postgres", "publiclyAccessible": False,
                                        "dbiResourceId": db["resourceId"], "pendingModifiedValues": {}}, E[22]), db),
        ("modify-db-groups", rds_event("ModifyDBInstance", {"dBInstanceIdentifier": "crm", "vpcSecurityGroupIds":
                                                            ["sg-0c3", "sg-0d4"], "applyImmediately": True}, None,
                                       E[23]), db),
        ("snapshot-restore", rds_event("ModifyDBSnapshotAttribute", {
            "dBSnapshotIdentifier": "crm-final", "attributeName": "restore", "valuesToAdd": ["all"],
            "valuesToRemove": ["444455556666"]}, None, E[24]), snap),
        ("snapshot-restore-response", rds_event("ModifyDBSnapshotAttribute", {
            "dBSnapshotIdentifier": "crm-final", "attributeName": "restore", "valuesToAdd": ["all"]},
            {"dBSnapshotIdentifier": "crm-final", "dBSnapshotAttributes": [
                {"attributeName": "restore", "attributeValues": ["444455556666", "all"]}]}, E[25]), snap),
        ("cluster-snapshot-restore", rds_event("ModifyDBClusterSnapshotAttribute", {
            "dBClusterSnapshotIdentifier": "cs1", "attributeName": "restore", "valuesToAdd": ["all"]}, None, E[26]),
         csnap),
        ("failed-call", W.put_bucket_policy("cust-data", T1, E[27], error=("AccessDenied", "Access Denied")), b),
    ]
    for name, ev, cur in calls:
        write("watch_ctrail", name, ev, cur)
        write("watch_ctrail", name + "-no-item", ev)


if __name__ == "__main__":
    main()
