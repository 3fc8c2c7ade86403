"""AWS Config items and delivery files as AWS writes them, for the history tests.

Items have the 1.3 shape of real AWS Config items (see ../shared/corpora/aws-config-rdk-example-ci):
supplementaryConfiguration values that AWS stores as JSON inside strings (AccessControlList,
BucketPolicy.policyText) are strings here too; configurationStateId is a number (the change's
epoch milliseconds). Files are compact single-line JSON as AWS delivers them: history files
(`fileVersion` + `configurationItems`, gzip, items newest first), a configuration snapshot
(`configSnapshotId`), change notifications (NDJSON, bare or in SNS envelopes with the message as a
JSON string).
"""
import gzip
import json
import os

ACCOUNT = "111122223333"
REGION = "us-east-1"
OWNER = "7d3c4b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3"


def epoch_ms(iso):
    import datetime
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp() * 1000)


def base(rtype, rid, name, arn, when, status="OK", az="Regional", state_id=None):
    return {
        "relatedEvents": [], "relationships": [], "configuration": {}, "supplementaryConfiguration": {},
        "tags": {}, "configurationItemVersion": "1.3", "configurationItemCaptureTime": when,
        "configurationStateId": state_id if state_id is not None else epoch_ms(when),
        "awsAccountId": ACCOUNT, "configurationItemStatus": status, "resourceType": rtype,
        "resourceId": rid, "resourceName": name, "ARN": arn, "awsRegion": REGION,
        "availabilityZone": az, "configurationStateMd5Hash": "",
        "resourceCreationTime": "2025-06-02T08:14:51.000Z",
    }


def account_pab(when, on):
    it = base("AWS::S3::AccountPublicAccessBlock", ACCOUNT, None, None, when, az="Not Applicable")
    del it["resourceName"], it["ARN"]
    it["configuration"] = {"blockPublicAcls": on, "ignorePublicAcls": on, "blockPublicPolicy": on,
                           "restrictPublicBuckets": on}
    return it


def bucket(name, when, public_read_policy=False, public_acl=False, status="OK"):
    it = base("AWS::S3::Bucket", name, name, "arn:aws:s3:::" + name, when, status=status)
    if status == "ResourceDeleted":
        it["configuration"] = None
        it["supplementaryConfiguration"] = {}
        return it
    grants = [{"grantee": {"id": OWNER, "displayName": None}, "permission": "FullControl"}]
    if public_acl:
        grants.append({"grantee": "AllUsers", "permission": "Read"})
    acl = {"grantSet": None, "grantList": grants, "owner": {"displayName": None, "id": OWNER},
           "isRequesterCharged": False}
    policy = None
    if public_read_policy:
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/*" % name}]}, separators=(",", ":"))
    it["configuration"] = {"name": name, "owner": {"displayName": None, "id": OWNER},
                           "creationDate": "2025-06-02T08:14:51.000Z"}
    it["supplementaryConfiguration"] = {
        "AccessControlList": json.dumps(acl, separators=(",", ":")),
        "BucketAccelerateConfiguration": {"status": None},
        "BucketLoggingConfiguration": {"destinationBucketName": None, "logFilePrefix": None},
        "BucketNotificationConfiguration": {"configurations": {}},
        "BucketPolicy": {"policyText": policy},
        "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": None},
        "IsRequesterPaysEnabled": False,
        "ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyID": None}, "bucketKeyEnabled": True}]},
    }
    return it


def security_group(gid, when, cidr):
    it = base("AWS::EC2::SecurityGroup", gid, "db-" + gid[-4:],
              "arn:aws:ec2:%s:%s:security-group/%s" % (REGION, ACCOUNT, gid), when)
    it["relationships"] = [{"resourceId": "vpc-0a1b2c3d4e5f60789", "resourceType": "AWS::EC2::VPC",
                            "relationshipName": "Is contained in Vpc"}]
    it["configuration"] = {
        "description": "database access", "groupName": "db-" + gid[-4:], "ownerId": ACCOUNT, "groupId": gid,
        "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "userIdGroupPairs": [],
                           "ipv6Ranges": [], "prefixListIds": [], "ipRanges": [cidr],
                           "ipv4Ranges": [{"cidrIp": cidr}]}],
        "ipPermissionsEgress": [{"ipProtocol": "-1", "userIdGroupPairs": [], "ipv6Ranges": [], "prefixListIds": [],
                                 "ipRanges": ["0.0.0.0/0"], "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}],
        "vpcId": "vpc-0a1b2c3d4e5f60789", "tags": []}
    return it


def rds_instance(name, dbi, gid, when, status="OK"):
    arn = "arn:aws:rds:%s:%s:db:%s" % (REGION, ACCOUNT, name)
    it = base("AWS::RDS::DBInstance", dbi, name, arn, when, status=status, az="us-east-1a")
    if status == "ResourceDeleted":
        it["configuration"] = None
        return it
    it["relationships"] = [{"resourceId": gid, "resourceType": "AWS::EC2::SecurityGroup",
                            "relationshipName": "Is associated with SecurityGroup"}]
    it["configuration"] = {
        "dBInstanceIdentifier": name, "dBInstanceClass": "db.t3.medium", "engine": "postgres",
        "dBInstanceStatus": "available", "masterUsername": "app",
        "endpoint": {"address": name + ".c1x2y3z4.us-east-1.rds.amazonaws.com", "port": 5432,
                     "hostedZoneId": "Z2R2ITUGPM61AM"},
        "allocatedStorage": 200, "vpcSecurityGroups": [{"vpcSecurityGroupId": gid, "status": "active"}],
        "publiclyAccessible": True, "storageEncrypted": True, "dbiResourceId": dbi,
        "deletionProtection": True, "dBInstanceArn": arn, "multiAZ": False, "engineVersion": "16.3",
        "backupRetentionPeriod": 7, "iAMDatabaseAuthenticationEnabled": False,
        "kmsKeyId": "arn:aws:kms:us-east-1:%s:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" % ACCOUNT}
    return it


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def write_history(path, items, gz=True):
    """A ConfigHistory file: items newest first, as AWS lists them."""
    items = sorted(items, key=lambda i: i["configurationItemCaptureTime"], reverse=True)
    text = compact({"fileVersion": "1.0", "configurationItems": items})
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def write_snapshot(path, items, snap_id="a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(compact({"fileVersion": "1.0", "configSnapshotId": snap_id, "configurationItems": items}))


def notification(item, previous=None):
    return {"configurationItemDiff": {"changedProperties": {}, "changeType": "UPDATE" if previous else "CREATE"},
            "configurationItem": item, "notificationCreationTime": item["configurationItemCaptureTime"],
            "messageType": "ConfigurationItemChangeNotification", "recordVersion": "1.3"}


def sns(message, msg_id):
    return {"Type": "Notification", "MessageId": msg_id,
            "TopicArn": "arn:aws:sns:us-east-1:%s:config-topic" % ACCOUNT,
            "Subject": "[AWS Config:us-east-1] AWS::S3::Bucket changed", "Message": compact(message),
            "Timestamp": "2026-03-07T12:30:04.512Z", "SignatureVersion": "1", "Signature": "EXAMPLE",
            "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem",
            "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"}


def write_ndjson(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(compact(r) + "\n")


def history_name(d, rtype, start, end, n=1):
    return os.path.join(d, "%s_Config_%s_ConfigHistory_%s_%s_%s_%d.json.gz" % (ACCOUNT, REGION, rtype, start, end, n))
