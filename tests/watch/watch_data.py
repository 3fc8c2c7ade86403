"""CloudTrail management events and delivery envelopes as AWS writes them, for the watch tests.

CloudTrail records follow AWS's documented shapes: S3 request headers as one-element arrays
("x-amz-acl": ["public-read"]), EC2 lists as {"items": [...]}, RDS responseElements flattened,
errorCode/errorMessage on a failed call. EventBridge delivers them as "AWS API Call via CloudTrail"
events with the record in "detail"; SNS wraps AWS Config notifications with the message as a JSON
string. Items come from ../history/awsconfig_data.py (the 1.3 shape of real AWS Config items).
"""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "history"))
import awsconfig_data as cfg  # noqa: E402

ACCOUNT, REGION = cfg.ACCOUNT, cfg.REGION
ACTOR = "arn:aws:iam::%s:user/alice" % ACCOUNT

# the checks of one test run: check() records a failure and goes on, the test ends with them
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cloudtrail(source, name, when, event_id, params, response=None, error=None):
    ev = {"eventVersion": "1.08",
          "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEALICE", "arn": ACTOR,
                           "accountId": ACCOUNT, "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"},
          "eventTime": when, "eventSource": source, "eventName": name, "awsRegion": REGION,
          "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.30", "requestParameters": params,
          "responseElements": response, "requestID": "R" + event_id[-12:], "eventID": event_id,
          "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
          "recipientAccountId": ACCOUNT, "eventCategory": "Management"}
    if error:
        ev["errorCode"], ev["errorMessage"] = error
    return ev


def eventbridge(ct, ident):
    return {"version": "0", "id": ident, "detail-type": "AWS API Call via CloudTrail",
            "source": "aws." + ct["eventSource"].split(".")[0], "account": ACCOUNT, "time": ct["eventTime"],
            "region": REGION, "resources": [], "detail": ct}


def sns(message, ident):
    return {"Type": "Notification", "MessageId": ident, "TopicArn": "arn:aws:sns:%s:%s:config" % (REGION, ACCOUNT),
            "Subject": "[AWS Config:%s] change" % REGION, "Message": cfg.compact(message),
            "Timestamp": "2026-12-07T10:00:00.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE==",
            "SigningCertURL": "https://sns.%s.amazonaws.com/SimpleNotificationService-x.pem" % REGION,
            "UnsubscribeURL": "https://sns.%s.amazonaws.com/?Action=Unsubscribe" % REGION}


def public_policy(bucket):
    return {"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                                    "Action": ["s3:GetObject"],
                                                    "Resource": ["arn:aws:s3:::%s/*" % bucket]}]}


def put_bucket_policy(bucket, when, eid, error=None):
    return cloudtrail("s3.amazonaws.com", "PutBucketPolicy", when, eid,
                      {"bucketPolicy": public_policy(bucket), "bucketName": bucket,
                       "Host": "%s.s3.%s.amazonaws.com" % (bucket, REGION), "policy": [""]}, error=error)


def delete_bucket_policy(bucket, when, eid):
    return cloudtrail("s3.amazonaws.com", "DeleteBucketPolicy", when, eid,
                      {"bucketName": bucket, "Host": "s3.%s.amazonaws.com" % REGION, "policy": [""]})


def put_bucket_acl(bucket, when, eid, canned):
    return cloudtrail("s3.amazonaws.com", "PutBucketAcl", when, eid,
                      {"bucketName": bucket, "Host": "s3.%s.amazonaws.com" % REGION, "acl": [""],
                       "x-amz-acl": [canned]})


def account_block(when, eid, on):
    if on is None:
        return cloudtrail("s3.amazonaws.com", "DeleteAccountPublicAccessBlock", when, eid,
                          {"Host": "%s.s3-control.%s.amazonaws.com" % (ACCOUNT, REGION),
                           "x-amz-account-id": [ACCOUNT]})
    conf = {"xmlns": "http://awss3control.amazonaws.com/doc/2018-08-20/", "BlockPublicAcls": on,
            "IgnorePublicAcls": on, "BlockPublicPolicy": on, "RestrictPublicBuckets": on}
    return cloudtrail("s3.amazonaws.com", "PutAccountPublicAccessBlock", when, eid,
                      {"PublicAccessBlockConfiguration": conf,
                       "Host": "%s.s3-control.%s.amazonaws.com" % (ACCOUNT, REGION), "x-amz-account-id": [ACCOUNT]})


def sg_ingress(gid, when, eid, cidr, authorize=True):
    return cloudtrail("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress" if authorize else
                      "RevokeSecurityGroupIngress", when, eid,
                      {"groupId": gid, "ipPermissions": {"items": [
                          {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "groups": {},
                           "ipRanges": {"items": [{"cidrIp": cidr}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
                      response={"requestId": "r-" + eid[-8:], "_return": True})


def oversized(rtype, rid, arn, when, state_id):
    return {"configurationItemSummary": {
        "changeType": "UPDATE", "configurationItemVersion": "1.3", "configurationItemCaptureTime": when,
        "configurationStateId": state_id, "awsAccountId": ACCOUNT, "configurationItemStatus": "OK",
        "resourceType": rtype, "resourceId": rid, "resourceName": rid, "ARN": arn, "awsRegion": REGION,
        "availabilityZone": "Regional", "configurationStateMd5Hash": "", "resourceCreationTime": None},
        "s3DeliverySummary": {"s3BucketLocation": "config-bucket/AWSLogs/%s/Config/%s/2026/12/7/"
                                                  "OversizedChangeNotification/%s/%s/x.json.gz"
                                                  % (ACCOUNT, REGION, rtype, rid),
                              "errorCode": None, "errorMessage": None},
        "notificationCreationTime": when, "messageType": "OversizedConfigurationItemChangeNotification",
        "recordVersion": "1.0"}


def line(v):
    return cfg.compact(v) + "\n"


# a loopback webhook receiver: python3 -c RECEIVER FAILFILE LOG; prints its port; answers 500 while
# FAILFILE exists, else logs {id, body} per alert to LOG and answers 200
RECEIVER = r"""
import http.server, json, os, sys, threading
fail, log = sys.argv[1], sys.argv[2]
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        code = 500 if os.path.exists(fail) else 200
        if code == 200:
            with lock, open(log, "a") as f:
                f.write(json.dumps({"id": self.headers.get("X-Cloudwarden-Alert-Id"), "body": json.loads(body)}) + "\n")
        self.send_response(code); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""
