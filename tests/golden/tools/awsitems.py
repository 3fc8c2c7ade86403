"""Build AWS Config configuration items the way AWS Config writes them.

Used only to (re)generate the committed inputs of some golden cases and of the
example estate; the tests read the committed JSON, not this module.

Three shapes, all real:
  shape13  - configuration snapshot / history file delivered to S3, and the
             configurationItem of a change notification: configurationItemVersion,
             awsAccountId, ARN, configurationStateMd5Hash.
  shape12  - the older item shape (version, accountId, arn, configurationItemMD5Hash)
             seen in recordVersion 1.2 notifications and older tooling.
  shape_api - `aws configservice get-resource-config-history` output: like shape12
             but `configuration` is a JSON string and every supplementaryConfiguration
             value is a JSON string.
Field names inside configuration/supplementaryConfiguration follow the AWS Config
resource schema (awslabs/aws-config-resource-schema) and the real items in
../shared/corpora/aws-config-rdk-example-ci/.
"""
import hashlib
import json

CAPTURE = "2026-11-20T03:14:07.512Z"


def _state_id(key):
    return 1763600000000 + int(hashlib.sha1(key.encode()).hexdigest()[:6], 16)


def item(rtype, rid, name, arn, account, region, configuration, supplementary=None, tags=None,
         relationships=None, az="Regional", status="OK", capture=CAPTURE, created=None):
    """A neutral item (dict with our own keys); shape it with shape13/shape12/shape_api."""
    return {
        "resourceType": rtype, "resourceId": rid, "resourceName": name, "arn": arn,
        "account": account, "region": region, "az": az, "status": status, "capture": capture,
        "created": created or "2024-03-11T22:05:41.000Z",
        "tags": tags or {}, "relationships": relationships or [],
        "configuration": configuration, "supplementary": supplementary or {},
    }


def shape13(it):
    out = {
        "relatedEvents": [],
        "relationships": it["relationships"],
        "configuration": it["configuration"],
        "supplementaryConfiguration": it["supplementary"],
        "tags": it["tags"],
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": it["capture"],
        "configurationStateId": _state_id(it["arn"] or it["resourceId"] + it["capture"]),
        "awsAccountId": it["account"],
        "configurationItemStatus": it["status"],
        "resourceType": it["resourceType"],
        "resourceId": it["resourceId"],
    }
    if it["resourceName"] is not None:
        out["resourceName"] = it["resourceName"]
    if it["arn"]:
        out["ARN"] = it["arn"]
    out.update({
        "awsRegion": it["region"],
        "availabilityZone": it["az"],
        "configurationStateMd5Hash": "",
        "resourceCreationTime": it["created"],
    })
    if it["status"] in ("ResourceDeleted", "ResourceDeletedNotRecorded"):
        out["configuration"] = None
        out["supplementaryConfiguration"] = {}
    return out


def shape12(it):
    out = {
        "version": "1.2",
        "accountId": it["account"],
        "configurationItemCaptureTime": it["capture"],
        "configurationItemStatus": it["status"],
        "configurationStateId": str(_state_id(it["arn"] or it["resourceId"] + it["capture"])),
        "configurationItemMD5Hash": hashlib.md5(json.dumps(it["configuration"], sort_keys=True).encode()).hexdigest(),
    }
    if it["arn"]:
        out["arn"] = it["arn"]
    out["resourceType"] = it["resourceType"]
    out["resourceId"] = it["resourceId"]
    if it["resourceName"] is not None:
        out["resourceName"] = it["resourceName"]
    out.update({
        "awsRegion": it["region"],
        "availabilityZone": it["az"],
        "resourceCreationTime": it["created"],
        "tags": it["tags"],
        "relatedEvents": [],
        "relationships": it["relationships"],
        "configuration": it["configuration"],
        "supplementaryConfiguration": it["supplementary"],
    })
    return out


def shape_api(it):
    out = shape12(it)
    out["version"] = "1.3"
    out["configuration"] = json.dumps(it["configuration"], separators=(",", ":"))
    out["supplementaryConfiguration"] = {
        k: (v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
        for k, v in it["supplementary"].items()
    }
    return out


def snapshot_file(items, snap_id="7f1c2a90-5d3e-4b8a-9c61-2e4f8d0b3a17"):
    return {"fileVersion": "1.0", "configSnapshotId": snap_id, "configurationItems": items}


def history_file(items):
    return {"fileVersion": "1.0", "configurationItems": items}


def change_notification(it13, change_type="UPDATE", changed=None, created="2026-11-20T03:15:02.118Z"):
    return {
        "configurationItemDiff": {"changedProperties": changed or {}, "changeType": change_type},
        "configurationItem": it13,
        "notificationCreationTime": created,
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3",
    }


def dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


# ---------------------------------------------------------------- S3 ------

def canonical_id(name):
    return hashlib.sha256(("owner-" + name).encode()).hexdigest()


def acl_string(owner_id, grants):
    """grants: list of (grantee, permission); grantee is 'AllUsers', 'AuthenticatedUsers',
    'LogDelivery' or a canonical user id. permission: FullControl Read Write ReadAcp WriteAcp."""
    gl = [{"grantee": {"id": owner_id, "displayName": None}, "permission": "FullControl"}]
    for g, p in grants:
        if isinstance(g, dict):  # a grantee object as written (S3 API group URI, canonical user with a name)
            gl.append({"grantee": g, "permission": p})
        elif g in ("AllUsers", "AuthenticatedUsers", "LogDelivery"):
            gl.append({"grantee": g, "permission": p})
        else:
            gl.append({"grantee": {"id": g, "displayName": None}, "permission": p})
    return json.dumps({"grantSet": None, "grantList": gl,
                       "owner": {"displayName": None, "id": owner_id}, "isRequesterCharged": False},
                      separators=(",", ":"))


def s3_bucket(account, region, name, grants=(), policy=None, pab=None, sse="AES256", kms_key=None,
              logging_to=None, versioning=None, mfa_delete=None, tags=None, capture=CAPTURE,
              created="2024-03-11T22:05:41.000Z", website=False, status="OK"):
    owner = canonical_id(account)
    supp = {
        "AccessControlList": acl_string(owner, grants),
        "BucketAccelerateConfiguration": {"status": None},
        "BucketLoggingConfiguration": {"destinationBucketName": logging_to,
                                       "logFilePrefix": (name + "/") if logging_to else None},
        "BucketNotificationConfiguration": {"configurations": {}},
        "BucketPolicy": {"policyText": json.dumps(policy, separators=(",", ":")) if policy else None},
        "BucketVersioningConfiguration": {"status": versioning or "Off", "isMfaDeleteEnabled": mfa_delete},
        "IsRequesterPaysEnabled": False,
    }
    if pab is not None:
        supp["PublicAccessBlockConfiguration"] = {
            "blockPublicAcls": "BlockPublicAcls" in pab, "ignorePublicAcls": "IgnorePublicAcls" in pab,
            "blockPublicPolicy": "BlockPublicPolicy" in pab, "restrictPublicBuckets": "RestrictPublicBuckets" in pab}
    if sse:
        d = {"sseAlgorithm": sse, "kmsMasterKeyID": kms_key}
        supp["ServerSideEncryptionConfiguration"] = {
            "rules": [{"applyServerSideEncryptionByDefault": d, "bucketKeyEnabled": sse == "aws:kms"}]}
    if website:
        supp["BucketWebsiteConfiguration"] = {"indexDocumentSuffix": "index.html", "errorDocument": "error.html",
                                              "routingRules": []}
    conf = {"name": name, "owner": {"displayName": None, "id": owner}, "creationDate": created}
    return item("AWS::S3::Bucket", name, name, "arn:aws:s3:::" + name, account, region, conf, supp,
                tags=tags, capture=capture, created=created, status=status)


def account_pab(account, region, flags, capture=CAPTURE):
    conf = {"blockPublicAcls": "BlockPublicAcls" in flags, "ignorePublicAcls": "IgnorePublicAcls" in flags,
            "blockPublicPolicy": "BlockPublicPolicy" in flags,
            "restrictPublicBuckets": "RestrictPublicBuckets" in flags}
    return item("AWS::S3::AccountPublicAccessBlock", account, None, None, account, region, conf,
                az="Not Applicable", capture=capture)


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def stmt(effect, principal, action, resource, condition=None, sid=None, not_principal=None):
    s = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = effect
    if not_principal is not None:
        s["NotPrincipal"] = not_principal
    elif principal is not None:
        s["Principal"] = principal
    s["Action"] = action
    if resource is not None:
        s["Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


# ---------------------------------------------------------------- EC2 -----

def perm(proto, from_port, to_port, v4=(), v6=(), groups=()):
    p = {"ipProtocol": proto}
    if proto != "-1":
        p["fromPort"] = from_port
        p["toPort"] = to_port
    p["userIdGroupPairs"] = [{"groupId": g, "userId": "000000000000"} for g in groups]
    p["ipv6Ranges"] = [{"cidrIpv6": c} for c in v6]
    p["prefixListIds"] = []
    p["ipRanges"] = list(v4)
    p["ipv4Ranges"] = [{"cidrIp": c} for c in v4]
    return p


def security_group(account, region, gid, name, vpc, perms, description=None, capture=CAPTURE):
    for p in perms:
        for pair in p["userIdGroupPairs"]:
            pair["userId"] = account
    conf = {
        "description": description or name, "groupName": name, "ipPermissions": perms,
        "ownerId": account, "groupId": gid,
        "ipPermissionsEgress": [perm("-1", None, None, v4=["0.0.0.0/0"])],
        "vpcId": vpc, "tags": [{"key": "Name", "value": name}],
    }
    rels = [{"resourceId": vpc, "resourceType": "AWS::EC2::VPC", "relationshipName": "Is contained in Vpc"}]
    return item("AWS::EC2::SecurityGroup", gid, name, "arn:aws:ec2:%s:%s:security-group/%s" % (region, account, gid),
                account, region, conf, tags={"Name": name}, relationships=rels, capture=capture)


def ec2_instance(account, region, iid, name, vpc, subnet, sgs, public_ip=None, http_tokens="required",
                 state="running", instance_type="t3.medium", capture=CAPTURE):
    ni = {"networkInterfaceId": "eni-" + iid[2:], "subnetId": subnet, "vpcId": vpc, "description": "",
          "ownerId": account, "status": "in-use", "privateIpAddress": "10.20.1.%d" % (int(iid[-2:], 16) % 250),
          "groups": [{"groupName": n, "groupId": g} for g, n in sgs], "sourceDestCheck": True,
          "ipv6Addresses": []}
    if public_ip:
        ni["association"] = {"publicIp": public_ip, "publicDnsName": "ec2-%s.%s.compute.amazonaws.com" %
                             (public_ip.replace(".", "-"), region), "ipOwnerId": "amazon"}
    conf = {
        "instanceId": iid, "imageId": "ami-0a8b4cd432b1c3063",
        "state": {"code": 16 if state == "running" else 80, "name": state},
        "metadataOptions": {"state": "applied", "httpTokens": http_tokens, "httpPutResponseHopLimit": 1,
                            "httpEndpoint": "enabled", "httpProtocolIpv6": "disabled",
                            "instanceMetadataTags": "disabled"},
        "privateDnsName": "ip-10-20-1-10.%s.compute.internal" % region,
        "publicDnsName": ni.get("association", {}).get("publicDnsName", ""),
        "instanceType": instance_type, "subnetId": subnet, "vpcId": vpc,
        "privateIpAddress": ni["privateIpAddress"],
        "securityGroups": [{"groupName": n, "groupId": g} for g, n in sgs],
        "networkInterfaces": [ni], "tags": [{"key": "Name", "value": name}],
        "architecture": "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
        "monitoring": {"state": "disabled"},
    }
    if public_ip:
        conf["publicIpAddress"] = public_ip
    rels = [{"resourceId": g, "resourceType": "AWS::EC2::SecurityGroup", "relationshipName": "Is associated with SecurityGroup"} for g, _ in sgs]
    rels += [{"resourceId": subnet, "resourceType": "AWS::EC2::Subnet", "relationshipName": "Is contained in Subnet"},
             {"resourceId": vpc, "resourceType": "AWS::EC2::VPC", "relationshipName": "Is contained in Vpc"},
             {"resourceId": ni["networkInterfaceId"], "resourceType": "AWS::EC2::NetworkInterface", "relationshipName": "Contains NetworkInterface"}]
    return item("AWS::EC2::Instance", iid, name, "arn:aws:ec2:%s:%s:instance/%s" % (region, account, iid),
                account, region, conf, tags={"Name": name}, relationships=rels, az=region + "a", capture=capture)


def ebs_volume(account, region, vid, encrypted, instance=None, kms_key=None, size=100, capture=CAPTURE):
    conf = {"volumeId": vid, "size": size, "snapshotId": "", "availabilityZone": region + "a",
            "state": "in-use" if instance else "available", "createTime": "2025-02-03T01:12:09.000Z",
            "attachments": ([{"volumeId": vid, "instanceId": instance, "device": "/dev/xvda", "state": "attached",
                              "attachTime": "2025-02-03T01:12:10.000Z", "deleteOnTermination": True}]
                            if instance else []),
            "tags": [], "volumeType": "gp3", "iops": 3000, "encrypted": encrypted}
    if encrypted:
        conf["kmsKeyId"] = kms_key or "arn:aws:kms:%s:%s:key/0b1f6c2e-7d51-4a3f-9e0c-5a2b8d7c4e11" % (region, account)
    rels = ([{"resourceId": instance, "resourceType": "AWS::EC2::Instance", "relationshipName": "Is attached to Instance"}]
            if instance else [])
    return item("AWS::EC2::Volume", vid, None, "arn:aws:ec2:%s:%s:volume/%s" % (region, account, vid),
                account, region, conf, relationships=rels, az=region + "a", capture=capture)


# ---------------------------------------------------------------- RDS -----

def _sg_rels(sgs):
    return [{"resourceId": g, "resourceType": "AWS::EC2::SecurityGroup",
             "relationshipName": "Is associated with SecurityGroup"} for g in sgs]


def rds_instance(account, region, ident, sgs, public, encrypted=True, engine="mysql", port=3306,
                 backup_days=7, deletion_protection=True, auto_minor=True, vpc="vpc-0c1d2e3f4a5b6c7d8",
                 tags=None, capture=CAPTURE, multi_az=False, network_type="IPV4", cluster=None):
    rid = "db-" + hashlib.sha1(ident.encode()).hexdigest()[:26].upper()
    conf = {
        "dBInstanceIdentifier": ident, "dBInstanceClass": "db.t3.medium", "engine": engine,
        "dBInstanceStatus": "available", "masterUsername": "admin",
        "endpoint": {"address": "%s.c9akciq32.%s.rds.amazonaws.com" % (ident, region), "port": port,
                     "hostedZoneId": "Z32T0VRHXEXS0V"},
        "allocatedStorage": 100, "instanceCreateTime": "2024-05-02T10:11:12.000Z",
        "preferredBackupWindow": "16:00-16:30", "backupRetentionPeriod": backup_days,
        "dBSecurityGroups": [],
        "vpcSecurityGroups": [{"vpcSecurityGroupId": g, "status": "active"} for g in sgs],
        "dBParameterGroups": [{"dBParameterGroupName": "default.%s" % engine, "parameterApplyStatus": "in-sync"}],
        "availabilityZone": region + "a",
        "dBSubnetGroup": {"dBSubnetGroupName": "db-subnets", "dBSubnetGroupDescription": "database subnets",
                          "vpcId": vpc, "subnetGroupStatus": "Complete",
                          "subnets": [{"subnetIdentifier": "subnet-0a1b2c3d4e5f60718",
                                       "subnetAvailabilityZone": {"name": region + "a"}, "subnetStatus": "Active"},
                                      {"subnetIdentifier": "subnet-0b2c3d4e5f6071829",
                                       "subnetAvailabilityZone": {"name": region + "b"}, "subnetStatus": "Active"}]},
        "preferredMaintenanceWindow": "sun:17:00-sun:17:30", "pendingModifiedValues": {},
        "multiAZ": multi_az, "engineVersion": "8.0.35" if engine == "mysql" else "15.4",
        "autoMinorVersionUpgrade": auto_minor, "readReplicaDBInstanceIdentifiers": [],
        "licenseModel": "general-public-license" if engine == "mysql" else "postgresql-license",
        "optionGroupMemberships": [], "publiclyAccessible": public, "storageType": "gp3",
        "dbInstancePort": 0, "storageEncrypted": encrypted, "dbiResourceId": rid,
        "cACertificateIdentifier": "rds-ca-rsa2048-g1", "copyTagsToSnapshot": True,
        "monitoringInterval": 0, "iAMDatabaseAuthenticationEnabled": False,
        "performanceInsightsEnabled": False, "deletionProtection": deletion_protection,
        "dBInstanceArn": "arn:aws:rds:%s:%s:db:%s" % (region, account, ident),
        "networkType": network_type,
    }
    if cluster:
        conf["dBClusterIdentifier"] = cluster
        conf["engine"] = "aurora-mysql"
        conf["engineVersion"] = "8.0.mysql_aurora.3.05.2"
    if encrypted:
        conf["kmsKeyId"] = "arn:aws:kms:%s:%s:key/5c7e2a1b-93d4-4f60-8e21-7b3a9c0d1e2f" % (region, account)
    rels = [{"resourceId": "db-subnets", "resourceType": "AWS::RDS::DBSubnetGroup",
             "relationshipName": "Is associated with DBSubnetGroup"}] + _sg_rels(sgs)
    return item("AWS::RDS::DBInstance", rid, ident, "arn:aws:rds:%s:%s:db:%s" % (region, account, ident),
                account, region, conf, tags=tags, relationships=rels, az=region + "a", capture=capture)


def rds_cluster(account, region, ident, sgs, encrypted=True, backup_days=7, deletion_protection=True,
                auto_minor=True, engine="aurora-mysql", port=3306, capture=CAPTURE):
    rid = "cluster-" + hashlib.sha1(ident.encode()).hexdigest()[:26].upper()
    conf = {
        "allocatedStorage": 1, "availabilityZones": [region + "a", region + "b"],
        "backupRetentionPeriod": backup_days, "databaseName": "", "status": "available",
        "endpoint": "%s.cluster-c9akciq32.%s.rds.amazonaws.com" % (ident, region),
        "readerEndpoint": "%s.cluster-ro-c9akciq32.%s.rds.amazonaws.com" % (ident, region),
        "customEndpoints": [], "multiAZ": True, "engine": engine, "engineVersion": "8.0.mysql_aurora.3.05.2",
        "port": port, "masterUsername": "admin", "preferredBackupWindow": "16:00-16:30",
        "preferredMaintenanceWindow": "sun:17:00-sun:17:30", "readReplicaIdentifiers": [],
        "vpcSecurityGroups": [{"vpcSecurityGroupId": g, "status": "active"} for g in sgs],
        "hostedZoneId": "Z32T0VRHXEXS0V", "storageEncrypted": encrypted, "dbClusterResourceId": rid,
        "associatedRoles": [], "clusterCreateTime": 1714644672000, "enabledCloudwatchLogsExports": [],
        "engineMode": "provisioned", "deletionProtection": deletion_protection, "httpEndpointEnabled": False,
        "activityStreamStatus": "stopped", "copyTagsToSnapshot": True, "crossAccountClone": False,
        "domainMemberships": [], "tagList": [], "autoMinorVersionUpgrade": auto_minor,
        "dbclusterIdentifier": ident, "iamdatabaseAuthenticationEnabled": False,
        "dbsubnetGroup": "db-subnets", "dbclusterOptionGroupMemberships": [],
        "dbclusterParameterGroup": "default.aurora-mysql8.0",
        "dbclusterMembers": [{"isClusterWriter": True, "promotionTier": 1, "dbinstanceIdentifier": ident + "-1",
                              "clusterWriter": True, "dbclusterParameterGroupStatus": "in-sync"}],
        "dbclusterArn": "arn:aws:rds:%s:%s:cluster:%s" % (region, account, ident),
    }
    if encrypted:
        conf["kmsKeyId"] = "arn:aws:kms:%s:%s:key/5c7e2a1b-93d4-4f60-8e21-7b3a9c0d1e2f" % (region, account)
    return item("AWS::RDS::DBCluster", rid, ident, "arn:aws:rds:%s:%s:cluster:%s" % (region, account, ident),
                account, region, conf, relationships=_sg_rels(sgs), az="Multiple Availability Zones", capture=capture)


def db_snapshot(account, region, ident, instance, restore, encrypted=True, snapshot_type="manual", capture=CAPTURE):
    conf = {
        "dBSnapshotIdentifier": ident, "dBInstanceIdentifier": instance,
        "snapshotCreateTime": "2026-10-30T14:02:11.000Z", "engine": "mysql", "allocatedStorage": 100,
        "status": "available", "port": 3306, "availabilityZone": region + "a", "vpcId": "vpc-0c1d2e3f4a5b6c7d8",
        "instanceCreateTime": "2024-05-02T10:11:12.000Z", "masterUsername": "admin", "engineVersion": "8.0.35",
        "licenseModel": "general-public-license", "snapshotType": snapshot_type, "optionGroupName": "default:mysql-8-0",
        "percentProgress": 100, "storageType": "gp3", "encrypted": encrypted,
        "dBSnapshotArn": "arn:aws:rds:%s:%s:snapshot:%s" % (region, account, ident),
        "iAMDatabaseAuthenticationEnabled": False,
    }
    if encrypted:
        conf["kmsKeyId"] = "arn:aws:kms:%s:%s:key/5c7e2a1b-93d4-4f60-8e21-7b3a9c0d1e2f" % (region, account)
    supp = {"DBSnapshotAttributes": [{"attributeName": "restore", "attributeValues": list(restore)}], "Tags": []}
    rels = [{"resourceId": "vpc-0c1d2e3f4a5b6c7d8", "resourceType": "AWS::EC2::VPC", "relationshipName": "Is associated with Vpc"}]
    return item("AWS::RDS::DBSnapshot", ident, ident, "arn:aws:rds:%s:%s:snapshot:%s" % (region, account, ident),
                account, region, conf, supp, relationships=rels, az=region + "a", capture=capture)


def db_cluster_snapshot(account, region, ident, cluster, restore, encrypted=True, capture=CAPTURE):
    conf = {
        "availabilityZones": [region + "a", region + "b"], "snapshotCreateTime": 1761832931000,
        "engine": "aurora-mysql", "engineMode": "provisioned", "allocatedStorage": 1, "status": "available",
        "port": 0, "vpcId": "vpc-0c1d2e3f4a5b6c7d8", "clusterCreateTime": 1714644672000, "masterUsername": "admin",
        "engineVersion": "8.0.mysql_aurora.3.05.2", "licenseModel": "aurora-mysql", "snapshotType": "manual",
        "percentProgress": 100, "storageEncrypted": encrypted, "tagList": [],
        "iamdatabaseAuthenticationEnabled": False,
        "dbclusterSnapshotArn": "arn:aws:rds:%s:%s:cluster-snapshot:%s" % (region, account, ident),
        "dbclusterIdentifier": cluster, "dbclusterSnapshotIdentifier": ident,
    }
    if encrypted:
        conf["kmsKeyId"] = "arn:aws:kms:%s:%s:key/5c7e2a1b-93d4-4f60-8e21-7b3a9c0d1e2f" % (region, account)
    supp = {"DBClusterSnapshotAttributes": [{"attributeName": "restore", "attributeValues": list(restore)}], "Tags": []}
    return item("AWS::RDS::DBClusterSnapshot", ident, ident,
                "arn:aws:rds:%s:%s:cluster-snapshot:%s" % (region, account, ident), account, region, conf, supp,
                az="Multiple Availability Zones", capture=capture)


# ------------------------------------------------------------ Redshift -----

def redshift_cluster(account, region, ident, sgs, public, encrypted=True, port=5439, logging=True,
                     retention=1, allow_upgrade=True, capture=CAPTURE):
    conf = {
        "clusterIdentifier": ident, "nodeType": "ra3.xlplus", "clusterStatus": "available", "masterUsername": "awsuser",
        "dBName": "dev", "endpoint": {"address": "%s.cu7qzzvwq3g1.%s.redshift.amazonaws.com" % (ident, region), "port": port},
        "clusterCreateTime": "2024-08-14T02:33:10.000Z", "automatedSnapshotRetentionPeriod": retention,
        "clusterSecurityGroups": [],
        "vpcSecurityGroups": [{"vpcSecurityGroupId": g, "status": "active"} for g in sgs],
        "clusterParameterGroups": [{"parameterGroupName": "default.redshift-1.0", "parameterApplyStatus": "in-sync",
                                    "clusterParameterStatusList": []}],
        "clusterSubnetGroupName": "redshift-subnets", "vpcId": "vpc-0c1d2e3f4a5b6c7d8",
        "availabilityZone": region + "a", "preferredMaintenanceWindow": "sat:14:00-sat:14:30",
        "clusterVersion": "1.0", "allowVersionUpgrade": allow_upgrade, "numberOfNodes": 2,
        "publiclyAccessible": public, "encrypted": encrypted,
        "clusterNodes": [{"nodeRole": "LEADER", "privateIPAddress": "10.20.8.11",
                          "publicIPAddress": "54.66.12.34" if public else None}],
        "clusterRevisionNumber": "62187", "tags": [], "iamRoles": [], "enhancedVpcRouting": False,
    }
    if encrypted:
        conf["kmsKeyId"] = "arn:aws:kms:%s:%s:key/8a9b0c1d-2e3f-4a5b-6c7d-8e9f0a1b2c3d" % (region, account)
    supp = {"LoggingStatus": {"loggingEnabled": logging, "bucketName": "audit-logs-" + account if logging else None,
                              "s3KeyPrefix": None, "lastSuccessfulDeliveryTime": None,
                              "lastFailureTime": None, "lastFailureMessage": None}}
    return item("AWS::Redshift::Cluster", ident, ident, "arn:aws:redshift:%s:%s:cluster:%s" % (region, account, ident),
                account, region, conf, supp, relationships=_sg_rels(sgs), az=region + "a", capture=capture)


def redshift_snapshot(account, region, ident, cluster, shared_with=(), encrypted=True, capture=CAPTURE):
    conf = {
        "snapshotIdentifier": ident, "clusterIdentifier": cluster, "snapshotCreateTime": "2026-10-30T14:02:11.000Z",
        "status": "available", "port": 5439, "availabilityZone": region + "a",
        "clusterCreateTime": "2024-08-14T02:33:10.000Z", "masterUsername": "awsuser", "clusterVersion": "1.0",
        "snapshotType": "manual", "nodeType": "ra3.xlplus", "numberOfNodes": 2, "dBName": "dev",
        "vpcId": "vpc-0c1d2e3f4a5b6c7d8", "encrypted": encrypted, "encryptedWithHSM": False,
        "accountsWithRestoreAccess": [{"accountId": a} for a in shared_with], "ownerAccount": account,
        "tags": [], "restorableNodeTypes": ["ra3.xlplus"],
    }
    return item("AWS::Redshift::ClusterSnapshot", ident, ident,
                "arn:aws:redshift:%s:%s:snapshot:%s/%s" % (region, account, cluster, ident),
                account, region, conf, az=region + "a", capture=capture)


# ----------------------------------------------------- OpenSearch / ES -----

def opensearch_domain(account, region, name, access_policy, vpc=None, at_rest=True, n2n=True, https=True,
                      tls="Policy-Min-TLS-1-2-2019-07", capture=CAPTURE, fgac=None):
    """fgac: None (off), "on" (fine-grained access control, credentials required), "anonymous"
    (on, with anonymous authentication enabled)."""
    conf = {
        "Id": "%s/%s" % (account, name),
        "EBSOptions": {"EBSEnabled": True, "VolumeSize": 20, "VolumeType": "gp3"},
        "DomainEndpointOptions": {"EnforceHTTPS": https, "TLSSecurityPolicy": tls, "CustomEndpointEnabled": False},
        "ClusterConfig": {"InstanceType": "r6g.large.search", "InstanceCount": 2, "DedicatedMasterEnabled": False,
                          "ZoneAwarenessEnabled": True, "WarmEnabled": False},
        "AccessPolicies": access_policy, "Tags": [], "DomainName": name,
        "Arn": "arn:aws:es:%s:%s:domain/%s" % (region, account, name), "EngineVersion": "OpenSearch_2.11",
        "CognitoOptions": {"Enabled": False},
        "EncryptionAtRestOptions": {"Enabled": at_rest},
        "NodeToNodeEncryptionOptions": {"Enabled": n2n},
        "AdvancedSecurityOptions": {"Enabled": fgac is not None, "InternalUserDatabaseEnabled": fgac is not None,
                                    "AnonymousAuthEnabled": fgac == "anonymous"},
    }
    if at_rest:
        conf["EncryptionAtRestOptions"]["KmsKeyId"] = "arn:aws:kms:%s:%s:key/3d4e5f60-7182-4a3b-9c5d-6e7f8091a2b3" % (region, account)
    rels = []
    if vpc:
        conf["VPCOptions"] = {"SecurityGroupIds": [vpc[1]], "SubnetIds": ["subnet-0a1b2c3d4e5f60718"]}
        rels = [{"resourceId": vpc[1], "resourceType": "AWS::EC2::SecurityGroup", "relationshipName": "Is associated with "},
                {"resourceId": vpc[0], "resourceType": "AWS::EC2::VPC", "relationshipName": "Is associated with "}]
    return item("AWS::OpenSearch::Domain", name, name, "arn:aws:es:%s:%s:domain/%s" % (region, account, name),
                account, region, conf, relationships=rels, capture=capture)


def elasticsearch_domain(account, region, name, access_policy, vpc=None, at_rest=True, n2n=True, https=True,
                         capture=CAPTURE):
    conf = {
        "domainId": "%s/%s" % (account, name), "domainName": name, "created": True, "deleted": False,
        "processing": False, "upgradeProcessing": False, "elasticsearchVersion": "7.10",
        "elasticsearchClusterConfig": {"instanceType": "r6g.large.elasticsearch", "instanceCount": 2,
                                       "dedicatedMasterEnabled": False, "zoneAwarenessEnabled": False,
                                       "warmEnabled": False, "coldStorageOptions": {"enabled": False}},
        "accessPolicies": json.dumps(access_policy, separators=(",", ":")),
        "cognitoOptions": {"enabled": False},
        "encryptionAtRestOptions": {"enabled": at_rest},
        "nodeToNodeEncryptionOptions": {"enabled": n2n},
        "domainEndpointOptions": {"enforceHTTPS": https, "customEndpointEnabled": False,
                                  "tlssecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
        "advancedSecurityOptions": {"enabled": False, "internalUserDatabaseEnabled": False,
                                    "anonymousAuthEnabled": False},
        "arn": "arn:aws:es:%s:%s:domain/%s" % (region, account, name),
        "ebsoptions": {"volumeType": "gp3", "volumeSize": 20, "ebsenabled": True},
    }
    if at_rest:
        conf["encryptionAtRestOptions"]["kmsKeyId"] = "arn:aws:kms:%s:%s:key/3d4e5f60-7182-4a3b-9c5d-6e7f8091a2b3" % (region, account)
    rels = []
    if vpc:
        conf["vpcoptions"] = {"subnetIds": ["subnet-0a1b2c3d4e5f60718"], "availabilityZones": [region + "a"],
                              "securityGroupIds": [vpc[1]], "vpcid": vpc[0]}
        conf["endpoints"] = {"vpc": "vpc-%s-x7k2.%s.es.amazonaws.com" % (name, region)}
        rels = [{"resourceId": vpc[1], "resourceType": "AWS::EC2::SecurityGroup", "relationshipName": "Is associated with "},
                {"resourceId": vpc[0], "resourceType": "AWS::EC2::VPC", "relationshipName": "Is associated with "}]
    else:
        conf["endpoint"] = "search-%s-x7k2.%s.es.amazonaws.com" % (name, region)
    return item("AWS::Elasticsearch::Domain", "%s/%s" % (account, name), name,
                "arn:aws:es:%s:%s:domain/%s" % (region, account, name), account, region, conf,
                relationships=rels, capture=capture)


# ------------------------------------------------------------ DynamoDB -----

def dynamodb_table(account, region, name, sse=None, pitr=True, capture=CAPTURE):
    """sse: None (AWS owned key: AWS Config records no ssedescription), 'KMS-AWS' (aws/dynamodb),
    or a customer key ARN."""
    conf = {
        "attributeDefinitions": [{"attributeName": "pk", "attributeType": "S"}],
        "tableName": name, "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
        "tableStatus": "ACTIVE", "creationDateTime": 1716000000000,
        "provisionedThroughput": {"numberOfDecreasesToday": 0, "readCapacityUnits": 0, "writeCapacityUnits": 0},
        "tableSizeBytes": 734003, "itemCount": 4182,
        "tableArn": "arn:aws:dynamodb:%s:%s:table/%s" % (region, account, name),
        "tableId": hashlib.sha1(name.encode()).hexdigest()[:8] + "-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "billingModeSummary": {"billingMode": "PAY_PER_REQUEST", "lastUpdateToPayPerRequestDateTime": 1716000000000},
    }
    if sse == "KMS-AWS":
        conf["ssedescription"] = {"status": "ENABLED", "ssetype": "KMS",
                                  "kmsmasterKeyArn": "arn:aws:kms:%s:%s:key/aws-dynamodb-managed-0001" % (region, account)}
    elif sse:
        conf["ssedescription"] = {"status": "ENABLED", "ssetype": "KMS", "kmsmasterKeyArn": sse}
    supp = {"ContinuousBackupsDescription": {
        "continuousBackupsStatus": "ENABLED",
        "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"}},
        "Tags": []}
    return item("AWS::DynamoDB::Table", name, name, "arn:aws:dynamodb:%s:%s:table/%s" % (region, account, name),
                account, region, conf, supp, capture=capture)


# ----------------------------------------------------------- IAM / logs ----

def iam_user(account, name, inline=(), attached=(), groups=(), capture=CAPTURE):
    uid = "AIDA" + hashlib.sha1(name.encode()).hexdigest()[:17].upper()
    conf = {"path": "/", "userName": name, "userId": uid, "arn": "arn:aws:iam::%s:user/%s" % (account, name),
            "createDate": "2023-06-01T00:00:00.000Z",
            "userPolicyList": [{"policyName": n, "policyDocument": _urlenc(doc)} for n, doc in inline],
            "groupList": list(groups),
            "attachedManagedPolicies": [{"policyName": a.rsplit("/", 1)[-1], "policyArn": a} for a in attached]}
    rels = [{"resourceType": "AWS::IAM::Group", "resourceName": g, "relationshipName": "Is attached to Group"} for g in groups]
    return item("AWS::IAM::User", uid, name, "arn:aws:iam::%s:user/%s" % (account, name), account, "global", conf,
                relationships=rels, az="Not Applicable", capture=capture)


def iam_role(account, name, trust, inline=(), attached=(), capture=CAPTURE):
    rid = "AROA" + hashlib.sha1(name.encode()).hexdigest()[:17].upper()
    conf = {"path": "/", "roleName": name, "roleId": rid, "arn": "arn:aws:iam::%s:role/%s" % (account, name),
            "createDate": "2023-06-01T00:00:00.000Z", "assumeRolePolicyDocument": _urlenc(trust),
            "instanceProfileList": [],
            "rolePolicyList": [{"policyName": n, "policyDocument": _urlenc(doc)} for n, doc in inline],
            "attachedManagedPolicies": [{"policyName": a.rsplit("/", 1)[-1], "policyArn": a} for a in attached]}
    return item("AWS::IAM::Role", rid, name, "arn:aws:iam::%s:role/%s" % (account, name), account, "global", conf,
                az="Not Applicable", capture=capture)


def iam_policy(account, name, doc, attachments=1, capture=CAPTURE, older=()):
    """older: documents of earlier, non-default versions (v1, v2, ...); doc is the default."""
    pid = "ANPA" + hashlib.sha1(name.encode()).hexdigest()[:17].upper()
    versions = [{"document": _urlenc(d), "versionId": "v%d" % (i + 1), "isDefaultVersion": False,
                 "createDate": "2023-06-01T00:00:00.000Z"} for i, d in enumerate(older)]
    versions.append({"document": _urlenc(doc), "versionId": "v%d" % (len(older) + 1), "isDefaultVersion": True,
                     "createDate": "2023-06-01T00:00:00.000Z"})
    conf = {"policyName": name, "policyId": pid, "arn": "arn:aws:iam::%s:policy/%s" % (account, name), "path": "/",
            "defaultVersionId": "v%d" % (len(older) + 1), "attachmentCount": attachments,
            "permissionsBoundaryUsageCount": 0,
            "isAttachable": True, "createDate": "2023-06-01T00:00:00.000Z", "updateDate": "2023-06-01T00:00:00.000Z",
            "policyVersionList": versions}
    return item("AWS::IAM::Policy", pid, name, "arn:aws:iam::%s:policy/%s" % (account, name), account, "global",
                conf, az="Not Applicable", capture=capture)


def iam_group(account, name, inline=(), attached=(), capture=CAPTURE):
    gid = "AGPA" + hashlib.sha1(name.encode()).hexdigest()[:17].upper()
    conf = {"path": "/", "groupName": name, "groupId": gid, "arn": "arn:aws:iam::%s:group/%s" % (account, name),
            "createDate": "2023-06-01T00:00:00.000Z",
            "groupPolicyList": [{"policyName": n, "policyDocument": _urlenc(doc)} for n, doc in inline],
            "attachedManagedPolicies": [{"policyName": a.rsplit("/", 1)[-1], "policyArn": a} for a in attached]}
    return item("AWS::IAM::Group", gid, name, "arn:aws:iam::%s:group/%s" % (account, name), account, "global", conf,
                az="Not Applicable", capture=capture)


def _urlenc(doc):
    """AWS Config records IAM policy documents URL-encoded."""
    from urllib.parse import quote
    return quote(json.dumps(doc, separators=(",", ":")), safe="")


def cloudtrail(account, region, name, bucket, multi_region=True, validation=True, kms=None, cw_logs=True,
               capture=CAPTURE):
    conf = {"name": name, "s3BucketName": bucket, "s3KeyPrefix": "", "includeGlobalServiceEvents": multi_region,
            "isMultiRegionTrail": multi_region, "homeRegion": region,
            "trailARN": "arn:aws:cloudtrail:%s:%s:trail/%s" % (region, account, name),
            "logFileValidationEnabled": validation, "hasCustomEventSelectors": False,
            "hasInsightSelectors": False, "isOrganizationTrail": False}
    if kms:
        conf["kmsKeyId"] = kms
    if cw_logs:
        conf["cloudWatchLogsLogGroupArn"] = "arn:aws:logs:%s:%s:log-group:cloudtrail/%s:*" % (region, account, name)
        conf["cloudWatchLogsRoleArn"] = "arn:aws:iam::%s:role/cloudtrail-to-cloudwatch" % account
    return item("AWS::CloudTrail::Trail", name, name, conf["trailARN"], account, region, conf,
                supplementary={"Tags": []}, capture=capture)


def kms_key(account, region, key_id, description, rotation, manager="CUSTOMER", capture=CAPTURE):
    conf = {"keyId": key_id, "arn": "arn:aws:kms:%s:%s:key/%s" % (region, account, key_id),
            "creationDate": 1700000000000, "enabled": True, "description": description,
            "keyUsage": "ENCRYPT_DECRYPT", "keyState": "Enabled", "origin": "AWS_KMS", "keyManager": manager,
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keySpec": "SYMMETRIC_DEFAULT",
            "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "signingAlgorithms": [], "multiRegion": False,
            "awsaccountId": account}
    supp = {"KeyRotationStatus": rotation,
            "Policy": json.dumps(policy(stmt("Allow", {"AWS": "arn:aws:iam::%s:root" % account}, "kms:*", "*",
                                             sid="Enable IAM User Permissions")), indent=2)}
    return item("AWS::KMS::Key", key_id, None, conf["arn"], account, region, conf, supp, capture=capture)


# ------------------------------------------------------- resource policies ---
# Field names: AWS Config items of each type (the shared rdk corpus and AWS's
# own Config rules read SNS/SQS configuration.Policy, KMS/Lambda
# supplementaryConfiguration.Policy, ECR configuration.RepositoryPolicyText);
# CloudFormation-shaped types (EFS, S3 access points, Secrets Manager resource
# policies) use the CloudFormation property names. EBS snapshots, AMIs, Lambda
# layer versions and Glacier vaults are not AWS Config types: their items are
# what a collector writes in the same envelope with the EC2/Lambda/Glacier API
# field names.

def _pol(doc, as_text=True):
    return json.dumps(doc, separators=(",", ":")) if as_text else doc


def sns_topic(account, region, name, doc, capture=CAPTURE):
    arn = "arn:aws:sns:%s:%s:%s" % (region, account, name)
    conf = {"Policy": _pol(doc), "Owner": account, "TopicArn": arn, "DisplayName": name,
            "EffectiveDeliveryPolicy": json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 3}}}),
            "SubscriptionsConfirmed": "1", "SubscriptionsPending": "0", "SubscriptionsDeleted": "0"}
    return item("AWS::SNS::Topic", arn, name, arn, account, region, conf, {"Tags": []}, az="Not Applicable",
                capture=capture)


def sqs_queue(account, region, name, doc, capture=CAPTURE):
    arn = "arn:aws:sqs:%s:%s:%s" % (region, account, name)
    url = "https://sqs.%s.amazonaws.com/%s/%s" % (region, account, name)
    conf = {"QueueUrl": url, "QueueArn": arn, "QueueName": name, "Policy": _pol(doc) if doc else None,
            "VisibilityTimeout": 30, "MaximumMessageSize": 262144, "MessageRetentionPeriod": 345600,
            "DelaySeconds": 0, "ReceiveMessageWaitTimeSeconds": 0, "SqsManagedSseEnabled": "true"}
    return item("AWS::SQS::Queue", url, name, arn, account, region, conf, {"Tags": []}, az="Not Applicable",
                capture=capture)


def kms_key_policy(account, region, key_id, doc, manager="CUSTOMER", description="", capture=CAPTURE):
    arn = "arn:aws:kms:%s:%s:key/%s" % (region, account, key_id)
    conf = {"keyId": key_id, "arn": arn, "creationDate": 1700000000000, "enabled": True,
            "description": description, "keyUsage": "ENCRYPT_DECRYPT", "keyState": "Enabled", "origin": "AWS_KMS",
            "keyManager": manager, "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keySpec": "SYMMETRIC_DEFAULT",
            "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "signingAlgorithms": [], "multiRegion": False,
            "awsaccountId": account}
    supp = {"KeyRotationStatus": True, "Policy": json.dumps(doc, indent=2)}
    return item("AWS::KMS::Key", key_id, None, arn, account, region, conf, supp, az="Not Applicable",
                capture=capture)


def lambda_function(account, region, name, doc, capture=CAPTURE):
    arn = "arn:aws:lambda:%s:%s:function:%s" % (region, account, name)
    conf = {"functionName": name, "functionArn": arn, "runtime": "python3.12",
            "role": "arn:aws:iam::%s:role/%s-role" % (account, name), "handler": "app.handler", "codeSize": 4213,
            "description": "", "timeout": 30, "memorySize": 256, "lastModified": "2026-10-02T08:11:12.000+0000",
            "codeSha256": "b3f1a0c2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081=",
            "version": "$LATEST", "tracingConfig": {"mode": "PassThrough"}, "packageType": "Zip",
            "architectures": ["arm64"], "revisionId": "4c2a1b0e-9d8f-4e7a-b6c5-d4e3f2a1b0c9"}
    supp = {"Tags": {}}
    if doc:
        supp["Policy"] = _pol(doc)
    return item("AWS::Lambda::Function", name, name, arn, account, region, conf, supp, az="Not Applicable",
                capture=capture)


def ecr_repository(account, region, name, doc, capture=CAPTURE):
    arn = "arn:aws:ecr:%s:%s:repository/%s" % (region, account, name)
    conf = {"Arn": arn, "ImageScanningConfiguration": {"ScanOnPush": True}, "ImageTagMutability": "IMMUTABLE",
            "RepositoryName": name, "LifecyclePolicy": {}, "RepositoryPolicyText": doc or {}, "Tags": []}
    return item("AWS::ECR::Repository", name, name, arn, account, region, conf, {}, capture=capture)


def efs_file_system(account, region, fs_id, name, doc, capture=CAPTURE):
    arn = "arn:aws:elasticfilesystem:%s:%s:file-system/%s" % (region, account, fs_id)
    conf = {"FileSystemId": fs_id, "Arn": arn, "Encrypted": True,
            "KmsKeyId": "arn:aws:kms:%s:%s:key/0b1f6c2e-7d51-4a3f-9e0c-5a2b8d7c4e11" % (region, account),
            "PerformanceMode": "generalPurpose", "ThroughputMode": "elastic",
            "BackupPolicy": {"Status": "ENABLED"}, "FileSystemTags": [{"Key": "Name", "Value": name}]}
    if doc:
        conf["FileSystemPolicy"] = doc
    return item("AWS::EFS::FileSystem", fs_id, name, arn, account, region, conf, {}, tags={"Name": name},
                capture=capture)


def secret_arn(account, region, name):
    return "arn:aws:secretsmanager:%s:%s:secret:%s-a1B2c3" % (region, account, name)


def secrets_resource_policy(account, region, name, doc, capture=CAPTURE):
    sarn = secret_arn(account, region, name)
    conf = {"Id": sarn, "SecretId": sarn, "ResourcePolicy": doc, "BlockPublicPolicy": False}
    return item("AWS::SecretsManager::ResourcePolicy", sarn, name, None, account, region, conf, {},
                capture=capture)


def secret_collected(account, region, name, doc, capture=CAPTURE):
    """A secret with the GetResourcePolicy output a collector adds."""
    sarn = secret_arn(account, region, name)
    conf = {"ARN": sarn, "Name": name, "Description": "", "RotationEnabled": False,
            "KMSKeyId": "arn:aws:kms:%s:%s:key/5c7e2a1b-93d4-4f60-8e21-7b3a9c0d1e2f" % (region, account)}
    supp = {"ResourcePolicy": _pol(doc)}
    return item("AWS::SecretsManager::Secret", sarn, name, sarn, account, region, conf, supp, capture=capture)


def s3_access_point(account, region, name, bucket, doc, origin="Internet", vpc=None, pab=None, capture=CAPTURE):
    arn = "arn:aws:s3:%s:%s:accesspoint/%s" % (region, account, name)
    flags = pab or set()
    conf = {"Name": name, "Bucket": bucket, "BucketAccountId": account, "NetworkOrigin": origin,
            "Alias": "%s-ab12cd34ef56gh78ij90kl12mn34op56-s3alias" % name, "Arn": arn,
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": "BlockPublicAcls" in flags,
                                               "IgnorePublicAcls": "IgnorePublicAcls" in flags,
                                               "BlockPublicPolicy": "BlockPublicPolicy" in flags,
                                               "RestrictPublicBuckets": "RestrictPublicBuckets" in flags}}
    if vpc:
        conf["VpcConfiguration"] = {"VpcId": vpc}
    if doc:
        conf["Policy"] = doc
    return item("AWS::S3::AccessPoint", name, name, arn, account, region, conf, {}, capture=capture)


def ebs_snapshot(account, region, snap_id, name, perms, encrypted=False, capture=CAPTURE):
    """DescribeSnapshots + DescribeSnapshotAttribute(createVolumePermission), as a collector writes it."""
    conf = {"SnapshotId": snap_id, "VolumeId": "vol-0c1d2e3f4a5b6c7d8", "State": "completed",
            "StartTime": "2026-09-14T03:00:00.000Z", "Progress": "100%", "OwnerId": account,
            "Description": name, "VolumeSize": 100, "Encrypted": encrypted, "StorageTier": "standard",
            "Tags": [{"Key": "Name", "Value": name}]}
    supp = {"CreateVolumePermissions": perms}
    return item("AWS::EC2::Snapshot", snap_id, name, "arn:aws:ec2:%s::snapshot/%s" % (region, snap_id), account,
                region, conf, supp, capture=capture)


def ec2_image(account, region, ami_id, name, perms, public=False, capture=CAPTURE):
    """DescribeImages + DescribeImageAttribute(launchPermission), as a collector writes it."""
    conf = {"ImageId": ami_id, "ImageLocation": "%s/%s" % (account, name), "State": "available",
            "OwnerId": account, "CreationDate": "2026-08-01T10:00:00.000Z", "Public": public,
            "Architecture": "arm64", "ImageType": "machine", "Name": name, "RootDeviceType": "ebs",
            "RootDeviceName": "/dev/xvda", "VirtualizationType": "hvm", "EnaSupport": True,
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-0ab12cd34ef56a7b8",
                                                                         "VolumeSize": 20, "Encrypted": False}}]}
    supp = {"LaunchPermissions": perms}
    return item("AWS::EC2::Image", ami_id, name, "arn:aws:ec2:%s::image/%s" % (region, ami_id), account, region,
                conf, supp, capture=capture)


def lambda_layer_version(account, region, name, version, doc, capture=CAPTURE):
    """GetLayerVersion + GetLayerVersionPolicy, as a collector writes it."""
    arn = "arn:aws:lambda:%s:%s:layer:%s:%d" % (region, account, name, version)
    conf = {"LayerArn": arn.rsplit(":", 1)[0], "LayerVersionArn": arn, "Version": version,
            "CreatedDate": "2026-07-01T00:00:00.000+0000", "CompatibleRuntimes": ["python3.12"]}
    supp = {"Policy": _pol(doc)} if doc else {}
    return item("AWS::Lambda::LayerVersion", arn, "%s-%d" % (name, version), arn, account, region, conf, supp,
                capture=capture)


def glacier_vault(account, region, name, doc, capture=CAPTURE):
    """DescribeVault + GetVaultAccessPolicy ({"Policy": "..."}), as a collector writes it."""
    arn = "arn:aws:glacier:%s:%s:vaults/%s" % (region, account, name)
    conf = {"VaultARN": arn, "VaultName": name, "CreationDate": "2025-01-01T00:00:00.000Z",
            "NumberOfArchives": 1200, "SizeInBytes": 734003200}
    supp = {"Policy": {"Policy": _pol(doc)}} if doc else {}
    return item("AWS::Glacier::Vault", name, name, arn, account, region, conf, supp, capture=capture)


# ------------------------------------------- load balancers, APIs, EKS -----

def load_balancer(account, region, name, scheme, sgs, lb_type="application", vpc="vpc-0c1d2e3f4a5b6c7d8",
                  capture=CAPTURE):
    """AWS::ElasticLoadBalancingV2::LoadBalancer as AWS Config records it (camelCase, as in
    the rdk corpus item)."""
    kind = {"application": "app", "network": "net"}[lb_type]
    arn = "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/%s" % (
        region, account, kind, name, hashlib.sha1(name.encode()).hexdigest()[:16])
    conf = {"loadBalancerArn": arn, "dNSName": "%s-1278615410.%s.elb.amazonaws.com" % (name, region),
            "canonicalHostedZoneId": "Z35SXDOTRQ7X7K", "createdTime": "2025-04-02T09:13:38.770Z",
            "loadBalancerName": name, "scheme": scheme, "vpcId": vpc, "state": {"code": "active"},
            "type": lb_type,
            "availabilityZones": [{"zoneName": region + "a", "subnetId": "subnet-29428871"},
                                  {"zoneName": region + "c", "subnetId": "subnet-38c20312"}],
            "ipAddressType": "ipv4"}
    if sgs:
        conf["securityGroups"] = list(sgs)
    rels = [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": g,
             "relationshipName": "Is associated with SecurityGroup"} for g in sgs]
    rels.append({"resourceType": "AWS::EC2::VPC", "resourceId": vpc, "relationshipName": "Is contained in Vpc"})
    supp = {"LoadBalancerAttributes": [{"key": "access_logs.s3.enabled", "value": "false"},
                                       {"key": "deletion_protection.enabled", "value": "false"}], "Tags": []}
    return item("AWS::ElasticLoadBalancingV2::LoadBalancer", arn, name, arn, account, region, conf, supplementary=supp,
                relationships=rels, az="Multiple Availability Zones", capture=capture)


def lb_listener(lb, port, protocol, target_group=None, action="forward", capture=CAPTURE):
    """AWS::ElasticLoadBalancingV2::Listener (PascalCase, as in the rdk corpus item)."""
    lb_arn = lb["arn"]
    arn = lb_arn.replace(":loadbalancer/", ":listener/") + "/" + hashlib.sha1(
        ("%s%d" % (lb_arn, port)).encode()).hexdigest()[:16]
    if action == "forward":
        acts = [{"Type": "forward", "TargetGroupArn": target_group,
                 "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": target_group, "Weight": 1}],
                                   "TargetGroupStickinessConfig": {"Enabled": False}}}]
    else:
        acts = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    conf = {"LoadBalancerArn": lb_arn, "DefaultActions": acts, "Port": port, "Certificates": [],
            "Protocol": protocol, "ListenerArn": arn, "AlpnPolicy": []}
    return item("AWS::ElasticLoadBalancingV2::Listener", arn, None, arn, lb["account"], lb["region"], conf,
                capture=capture)


def target_group(account, region, name, targets, target_type="instance", port=443, capture=CAPTURE):
    """AWS::ElasticLoadBalancingV2::TargetGroup with its Targets (CloudFormation names)."""
    arn = "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s" % (
        region, account, name, hashlib.sha1(name.encode()).hexdigest()[:16])
    conf = {"TargetGroupArn": arn, "TargetGroupName": name, "TargetType": target_type, "Protocol": "HTTPS",
            "Port": port, "VpcId": "vpc-0c1d2e3f4a5b6c7d8",
            "Targets": [{"Id": t, "Port": port} for t in targets]}
    return item("AWS::ElasticLoadBalancingV2::TargetGroup", arn, name, arn, account, region, conf, capture=capture)


def eks_cluster(account, region, name, public, private=True, cidrs=None, capture=CAPTURE):
    """AWS::EKS::Cluster (PascalCase, as in the rdk corpus item); cidrs None = not recorded."""
    vpc = {"SecurityGroupIds": [], "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60719"],
           "EndpointPublicAccess": public, "EndpointPrivateAccess": private,
           "ClusterSecurityGroupId": "sg-0e0e0e0e0e0e0e0e0", "VpcId": "vpc-0c1d2e3f4a5b6c7d8"}
    if cidrs is not None:
        vpc["PublicAccessCidrs"] = list(cidrs)
    arn = "arn:aws:eks:%s:%s:cluster/%s" % (region, account, name)
    conf = {"Arn": arn, "Name": name, "ResourcesVpcConfig": vpc, "RoleArn": "arn:aws:iam::%s:role/eks" % account,
            "Version": "1.30", "Tags": []}
    return item("AWS::EKS::Cluster", name, name, arn, account, region, conf, capture=capture)


def rest_api(account, region, api_id, name, types=("REGIONAL",), policy_doc=None, disable_default=False,
             escaped=False, capture=CAPTURE):
    """AWS::ApiGateway::RestApi (camelCase, as in the rdk corpus item). API Gateway returns
    the resource policy as JSON text; escaped=True writes it with its quotes escaped once
    more, as GetRestApi does."""
    arn = "arn:aws:apigateway:%s::/restapis/%s" % (region, api_id)
    conf = {"id": api_id, "name": name, "createdDate": "Feb 21, 2025 6:36:56 PM", "apiKeySource": "HEADER",
            "endpointConfiguration": {"types": list(types)}, "disableExecuteApiEndpoint": disable_default}
    if policy_doc is not None:
        text = json.dumps(policy_doc, separators=(",", ":"))
        conf["policy"] = text.replace('"', '\\"') if escaped else text
    return item("AWS::ApiGateway::RestApi", arn, name, arn, account, region, conf, az="Not Applicable",
                capture=capture)


def rest_stage(api, stage, capture=CAPTURE):
    arn = "%s/stages/%s" % (api["arn"], stage)
    conf = {"deploymentId": "jmlwbd", "stageName": stage, "cacheClusterEnabled": False,
            "cacheClusterStatus": "NOT_AVAILABLE", "methodSettings": {}, "tracingEnabled": False,
            "createdDate": "Feb 21, 2025 6:37:48 PM", "lastUpdatedDate": "Feb 21, 2025 6:37:48 PM"}
    rels = [{"resourceType": "AWS::ApiGateway::RestApi", "resourceId": api["arn"], "resourceName": api["resourceName"],
             "relationshipName": "Is contained in "}]
    return item("AWS::ApiGateway::Stage", arn, stage, arn, api["account"], api["region"], conf, relationships=rels,
                az="Not Applicable", capture=capture)


def rest_method(api, path_id, http_method, auth="NONE", api_key=False, uri=None, capture=CAPTURE):
    """AWS::ApiGateway::Method (CloudFormation property names)."""
    api_id = api["configuration"]["id"]
    rid = "%s/%s/%s" % (api_id, path_id, http_method)
    conf = {"RestApiId": api_id, "ResourceId": path_id, "HttpMethod": http_method, "AuthorizationType": auth,
            "ApiKeyRequired": api_key}
    if uri:
        conf["Integration"] = {"Type": "AWS", "IntegrationHttpMethod": "GET", "Uri": uri,
                               "Credentials": "arn:aws:iam::%s:role/apigw-s3" % api["account"]}
    return item("AWS::ApiGateway::Method", rid, None, None, api["account"], api["region"], conf, az="Not Applicable",
                capture=capture)


def http_api(account, region, api_id, name, disable_default=False, protocol="HTTP", capture=CAPTURE):
    """AWS::ApiGatewayV2::Api (camelCase, as in the rdk corpus item)."""
    arn = "arn:aws:apigateway:%s::/apis/%s" % (region, api_id)
    conf = {"apiId": api_id, "name": name, "protocolType": protocol,
            "routeSelectionExpression": "$request.method $request.path",
            "apiKeySelectionExpression": "$request.header.x-api-key",
            "apiEndpoint": "https://%s.execute-api.%s.amazonaws.com" % (api_id, region),
            "createdDate": "Feb 21, 2025 6:36:34 PM", "disableExecuteApiEndpoint": disable_default}
    return item("AWS::ApiGatewayV2::Api", arn, name, arn, account, region, conf, az="Not Applicable", capture=capture)


def http_stage(api, stage, capture=CAPTURE):
    arn = "%s/stages/%s" % (api["arn"], stage)
    conf = {"stageName": stage, "defaultRouteSettings": {"detailedMetricsEnabled": False}, "routeSettings": {},
            "stageVariables": {}, "autoDeploy": True, "createdDate": "Feb 21, 2025 6:36:34 PM",
            "lastUpdatedDate": "Feb 21, 2025 6:36:34 PM"}
    rels = [{"resourceType": "AWS::ApiGatewayV2::Api", "resourceId": api["arn"], "resourceName": api["resourceName"],
             "relationshipName": "Is contained in "}]
    return item("AWS::ApiGatewayV2::Stage", arn, stage, arn, api["account"], api["region"], conf, relationships=rels,
                az="Not Applicable", capture=capture)


def http_integration(api, integ_id, subtype=None, uri=None, capture=CAPTURE):
    """AWS::ApiGatewayV2::Integration (CloudFormation property names)."""
    conf = {"ApiId": api["configuration"]["apiId"], "IntegrationId": integ_id,
            "IntegrationType": "AWS_PROXY" if subtype or (uri and "lambda" in uri) else "HTTP_PROXY",
            "PayloadFormatVersion": "1.0" if subtype else "2.0"}
    if subtype:
        conf["IntegrationSubtype"] = subtype
        conf["CredentialsArn"] = "arn:aws:iam::%s:role/apigw-sqs" % api["account"]
        conf["RequestParameters"] = {"QueueUrl": "https://sqs.%s.amazonaws.com/%s/orders" % (api["region"], api["account"]),
                                     "MessageBody": "$request.body"}
    if uri:
        conf["IntegrationUri"] = uri
    rid = "%s/%s" % (api["configuration"]["apiId"], integ_id)
    return item("AWS::ApiGatewayV2::Integration", rid, None, None, api["account"], api["region"], conf,
                az="Not Applicable", capture=capture)
