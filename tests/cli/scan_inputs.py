#!/usr/bin/env python3
"""Tests of `cloudwarden scan` per defect class of issue 9 (inputs and evaluation):
hostile trees, regex limits, the output file inside the inputs, every AWS Config
message type, capture-time spellings and offsets. Each case fails on the old
behaviour (a hang, a silent false, exit 2 from our own output, a message read
as a bucket, a string comparison of times).

usage: scan_inputs.py BINARY [CASE...]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
ONLY = set(sys.argv[2:])
TMP = tempfile.mkdtemp(prefix="cw-inputs-")
os.chmod(TMP, 0o755)
results = []


def item(name, t="2024-01-01T00:00:00.000Z", public=False, rtype="AWS::S3::Bucket"):
    acl = {"grantList": [{"grantee": "AllUsers", "permission": "Read"}] if public else [],
           "owner": {"id": "o"}}
    return {"configurationItemVersion": "1.3", "awsAccountId": "111122223333", "configurationItemStatus": "OK",
            "configurationItemCaptureTime": t, "resourceType": rtype, "resourceId": name,
            "ARN": "arn:aws:s3:::" + name, "awsRegion": "us-east-1", "tags": {}, "relationships": [],
            "resourceName": name, "configuration": {"name": name},
            "supplementaryConfiguration": {"AccessControlList": json.dumps(acl)}}


def snapshot(*items):
    return json.dumps({"fileVersion": "1.0", "configurationItems": list(items)}, separators=(",", ":"))


def path(*parts):
    return os.path.join(TMP, *parts)


def write(rel, data):
    p = path(rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(data)
    return p


def run(args, timeout=60, cwd=None, as_nobody=False):
    pre = None
    if as_nobody and os.geteuid() == 0:
        def pre():
            os.setgid(65534)
            os.setuid(65534)
    try:
        p = subprocess.run([BIN] + args, capture_output=True, timeout=timeout, cwd=cwd, preexec_fn=pre)
    except subprocess.TimeoutExpired:
        return None, "", "TIMEOUT"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def case(name):
    def deco(fn):
        if ONLY and name not in ONLY:
            return fn
        try:
            fn()
            results.append((name, None))
        except AssertionError as e:
            results.append((name, str(e) or "assertion failed"))
        except Exception as e:  # a bug in the test itself
            results.append((name, "%s: %s" % (type(e).__name__, e)))
        return fn
    return deco


def ok(rc, err, code):
    assert rc is not None, "hung (timeout)"
    assert rc >= 0, "crashed with signal %d: %s" % (-rc, err[-2000:])
    assert rc == code, "exit %s, expected %s; stderr: %s" % (rc, code, err[-2000:])
    assert "Sanitizer" not in err and "runtime error" not in err, err[-3000:]


def findings(out):
    return json.loads(out)["findings"]


def resources(out):
    return sorted({f["resource"]["id"] for f in findings(out)})


# ---- hostile trees ------------------------------------------------------------
@case("tree-symlink-loops-and-fifo")
def _():
    d = path("tree")
    write("tree/a.json", snapshot(item("tree-a", public=True)))
    write("tree/sub/b.JSON", snapshot(item("tree-b")))          # upper-case extension: read
    write("tree/sub/c.json.GZ", "")                             # (empty: an error naming it)
    os.unlink(path("tree/sub/c.json.GZ"))
    os.symlink(".", path("tree/s1"))
    os.symlink(".", path("tree/s2"))
    os.symlink("..", path("tree/sub/up"))
    os.mkfifo(path("tree/p.json"))
    os.symlink("missing.json", path("tree/gone.json"))
    os.link(path("tree/a.json"), path("tree/hard.json"))
    rc, out, err = run(["scan", "-f", "json", d], timeout=30)
    ok(rc, err, 0)
    assert resources(out) == ["arn:aws:s3:::tree-a", "arn:aws:s3:::tree-b"], resources(out)
    assert re.search(r"p\.json: note: a FIFO, not a regular file; skipped", err), err
    assert re.search(r"s1: note: a symbolic link to a directory already read", err), err
    assert re.search(r"gone\.json: note: broken symbolic link", err), err
    assert re.search(r"hard\.json: note: the same file", err), err
    # each file read once: 2 files in the summary, not 33
    assert re.search(r"2 assets from 2 files", err), err


@case("tree-unreadable-subdirectory")
def _():
    if os.geteuid() != 0 and os.access("/", os.W_OK):
        return
    write("locked/ok.json", snapshot(item("locked-ok")))
    write("locked/private/x.json", snapshot(item("locked-x")))
    os.chmod(path("locked/private"), 0)
    os.chmod(path("locked"), 0o755)
    os.chmod(path("locked/ok.json"), 0o644)
    try:
        rc, out, err = run(["scan", "-f", "json", path("locked")], as_nobody=True)
    finally:
        os.chmod(path("locked/private"), 0o755)
    ok(rc, err, 2)
    assert re.search(re.escape(path("locked/private")) + r": error: cannot open directory: Permission denied", err), err
    assert resources(out) == ["arn:aws:s3:::locked-ok"], out[:400]
    assert "1 input error" in err, err


# ---- regular expressions that cannot be evaluated -------------------------------
PACK = """
- rule: re-alternation
  title: names of a and b
  resource: AWS::S3::Bucket
  severity: low
  category: other
  condition: resource.name matches "^(?:a|b)+$"
  description: d
  remediation: r
- rule: re-backtracking
  title: catastrophic backtracking
  resource: AWS::S3::Bucket
  severity: low
  category: other
  condition: resource.name matches "(.*a){25}b"
  description: d
  remediation: r
"""


@case("regex-jit-stack-and-match-limit")
def _():
    pack = write("re/pack.yaml", PACK)
    long_ab = "ab" * 1000          # 2,000 characters: beyond PCRE2's default JIT stack
    very_long = "ab" * 100000      # 200 KB
    inp = write("re/in.json", snapshot(item(long_ab), item(very_long), item("ab")))
    rc, out, err = run(["scan", "--no-builtin", "-r", pack, "-f", "json", inp])
    ok(rc, err, 2)
    got = sorted((f["rule"]["id"], len(f["resource"]["id"])) for f in findings(out))
    assert ("re-alternation", len("arn:aws:s3:::") + 2000) in got, got
    assert ("re-alternation", len("arn:aws:s3:::") + 200000) in got, got
    # the failure names the rule, the resource and the place in the pack
    assert re.search(re.escape(pack) + r":\d+:\d+: error: rule re-backtracking: the regular expression could not "
                     r"be evaluated on resource arn:aws:s3:::(ab)+a?\.\.\. \(a 2000-byte value\): match limit", err), err
    assert "rule evaluation error" in err, err
    # --fail-on does not hide it: still exit 2
    rc, out, err = run(["scan", "-q", "--no-builtin", "-r", pack, "--fail-on", "critical", inp])
    ok(rc, err, 2)


# ---- the output file inside the scanned directory ---------------------------------
@case("output-inside-input-directory")
def _():
    d = path("outdir")
    write("outdir/snap.json", snapshot(item("out-pub", public=True)))
    for fmt in ("json", "sarif", "ocsf", "csv", "table"):
        name = "findings." + ("json" if fmt in ("json", "sarif", "ocsf") else fmt)
        for attempt in (1, 2):  # first run: a fresh empty file; second: last run's findings
            rc, out, err = run(["scan", "-f", fmt, "-o", name, "--fail-on", "critical", "."], cwd=d)
            ok(rc, err, 0)
            assert "not a recognised inventory" not in err and "empty" not in err, (fmt, attempt, err)
    rc, out, err = run(["scan", "-f", "json", "-o", "findings.json", "--fail-on", "high", "."], cwd=d)
    ok(rc, err, 1)  # --fail-on decides, not a self-inflicted input error
    assert re.search(r"findings\.json: note: the findings file this scan writes", err), err
    with open(path("outdir/findings.json")) as f:
        assert "arn:aws:s3:::out-pub" in f.read()


# ---- every AWS Config message type ------------------------------------------------
def sns(msg, as_string=True):
    return {"Type": "Notification", "MessageId": "m", "TopicArn": "arn:aws:sns:us-east-2:123456789012:config-topic",
            "Message": json.dumps(msg) if as_string else msg, "Timestamp": "2024-01-01T00:00:00.000Z"}


MESSAGES = {
    "ComplianceChangeNotification": {
        "awsAccountId": "123456789012", "configRuleName": "s3-bucket-public-read-prohibited",
        "configRuleARN": "arn:aws:config:us-east-2:123456789012:config-rule/config-rule-1",
        "resourceType": "AWS::S3::Bucket", "resourceId": "msg-compliance-bucket", "awsRegion": "us-east-2",
        "newEvaluationResult": {"complianceType": "NON_COMPLIANT"}, "oldEvaluationResult": None,
        "notificationCreationTime": "2024-01-01T00:00:00.000Z", "messageType": "ComplianceChangeNotification",
        "recordVersion": "1.0"},
    "ConfigRulesEvaluationStarted": {
        "awsAccountId": "123456789012", "awsRegion": "us-east-2", "configRuleNames": ["iam-password-policy"],
        "notificationCreationTime": "2024-01-01T00:00:00.000Z", "messageType": "ConfigRulesEvaluationStarted",
        "recordVersion": "1.0"},
    "ConfigurationSnapshotDeliveryStarted": {
        "configSnapshotId": "108e0794", "notificationCreationTime": "2024-01-01T00:00:00.000Z",
        "messageType": "ConfigurationSnapshotDeliveryStarted", "recordVersion": "1.1"},
    "ConfigurationSnapshotDeliveryCompleted": {
        "configSnapshotId": "16da64e4", "s3ObjectKey": "AWSLogs/123456789012/Config/snap.json.gz",
        "s3Bucket": "config-bucket-123456789012", "notificationCreationTime": "2024-01-01T00:00:00.000Z",
        "messageType": "ConfigurationSnapshotDeliveryCompleted", "recordVersion": "1.1"},
    "ConfigurationSnapshotDeliveryFailed": {
        "configSnapshotId": "16da64e5", "failureReason": "NoSuchBucket",
        "notificationCreationTime": "2024-01-01T00:00:00.000Z", "messageType": "ConfigurationSnapshotDeliveryFailed",
        "recordVersion": "1.1"},
    "ConfigurationHistoryDeliveryCompleted": {
        "s3ObjectKey": "AWSLogs/123456789012/Config/hist.json.gz", "s3Bucket": "config-bucket-123456789012",
        "notificationCreationTime": "2024-01-01T00:00:00.000Z", "messageType": "ConfigurationHistoryDeliveryCompleted",
        "recordVersion": "1.1"},
    "OversizedConfigurationItemChangeNotification": {
        "configurationItemSummary": {"changeType": "UPDATE", "configurationItemVersion": "1.2",
                                     "configurationItemCaptureTime": "2024-01-01T00:00:00.000Z",
                                     "awsAccountId": "123456789012", "configurationItemStatus": "OK",
                                     "resourceType": "AWS::EC2::Instance", "resourceId": "i-0oversized",
                                     "ARN": "arn:aws:ec2:us-west-2:123456789012:instance/i-0oversized",
                                     "awsRegion": "us-west-2"},
        "s3DeliverySummary": {"s3BucketLocation": "config-bucket/AWSLogs/oversized.json.gz", "errorCode": None,
                              "errorMessage": None},
        "notificationCreationTime": "2024-01-01T00:00:00.000Z",
        "messageType": "OversizedConfigurationItemChangeNotification", "recordVersion": "1.0"},
    "OversizedConfigurationItemChangeDeliveryFailed": {
        "configurationItemSummary": {"resourceType": "AWS::EC2::Instance", "resourceId": "i-0failed",
                                     "ARN": "arn:aws:ec2:us-west-2:123456789012:instance/i-0failed"},
        "s3DeliverySummary": {"s3BucketLocation": None, "errorCode": "NoSuchBucket",
                              "errorMessage": "Failed to deliver notification to bucket"},
        "notificationCreationTime": "2024-01-01T00:00:00.000Z",
        "messageType": "OversizedConfigurationItemChangeDeliveryFailed", "recordVersion": "1.0"},
    "ScheduledNotification": {
        "awsAccountId": "123456789012", "notificationCreationTime": "2024-01-01T00:00:00.000Z",
        "messageType": "ScheduledNotification", "recordVersion": "1.0"},
}


@case("config-message-types")
def _():
    change = {"configurationItemDiff": {"changeType": "CREATE"}, "configurationItem": item("msg-item-public", public=True),
              "notificationCreationTime": "2024-01-01T00:00:00.000Z",
              "messageType": "ConfigurationItemChangeNotification", "recordVersion": "1.3"}
    files = [write("msgs/change.json", json.dumps(change)),
             write("msgs/change-sns.json", json.dumps(sns(change)))]
    for mt, m in MESSAGES.items():
        files.append(write("msgs/%s.json" % mt, json.dumps(m)))                    # bare
        files.append(write("msgs/%s-sns.json" % mt, json.dumps(sns(m))))           # SNS (Message as a string)
        files.append(write("msgs/%s-doc.json" % mt, json.dumps(sns(m, False))))    # as AWS's docs print it
        files.append(write("msgs/%s-eb.json" % mt, json.dumps(                      # EventBridge
            {"version": "0", "detail-type": "Config Notification", "source": "aws.config", "detail": m})))
    rc, out, err = run(["scan", "-f", "json"] + files)
    ok(rc, err, 0)
    # only the change notification's item became an asset: nothing was read as a bucket
    assert resources(out) == ["arn:aws:s3:::msg-item-public"], resources(out)
    assert "msg-compliance-bucket" not in out
    for mt in MESSAGES:
        for suffix in ("", "-sns", "-doc", "-eb"):
            f = "%s%s.json" % (mt, suffix)
            assert re.search(re.escape(f) + r":1:1: record 1: (note|warning): AWS Config " + mt, err), (f, err)
    # oversized ones name the resource to fetch, and where
    assert re.search(r"warning: .*i-0oversized.*config-bucket/AWSLogs/oversized\.json\.gz.*get-resource-config-history "
                     r"--resource-type AWS::EC2::Instance --resource-id i-0oversized", err), err
    assert re.search(r"warning: .*i-0failed.*delivery to S3 failed: NoSuchBucket", err), err
    # deliveries say which file to scan
    assert "s3://config-bucket-123456789012/AWSLogs/123456789012/Config/snap.json.gz" in err, err
    # an unknown future type: skipped with a note, not read as an item
    fut = dict(MESSAGES["ComplianceChangeNotification"], messageType="SomeFutureNotification")
    rc, out, err = run(["scan", "-f", "json", write("msgs/future.json", json.dumps(fut))])
    ok(rc, err, 0)
    assert findings(out) == [] and "not one cloudwarden knows" in err, err
    # NDJSON of many: three notes and a count, not thousands of lines
    nd = write("msgs/many.ndjson", "\n".join(json.dumps(MESSAGES["ComplianceChangeNotification"]) for _ in range(500)))
    rc, out, err = run(["scan", "-q", nd])
    ok(rc, err, 0)
    assert err.count("ComplianceChangeNotification message") == 4 and "497 more notes like" in err, err


# ---- capture times ------------------------------------------------------------------
@case("capture-time-instants")
def _():
    # pairs (earlier private, later public) in spellings whose string order is the reverse
    pairs = [
        ("2024-05-01T23:00:00Z", "2024-05-01T23:00:00.900Z"),        # fraction vs none
        ("2024-05-01T23:00:00.5Z", "2024-05-01T23:00:00.45+00:00"),   # hmm: .45 < .5: swapped below
        ("2024-05-01T23:00:00Z", "2024-05-02T09:00:01+10:00"),        # offset: 23:00:01Z
        ("2024-05-01T23:00:00.000Z", "2024-05-01T19:00:00.001-04:00"),
        ("2024-05-01 23:00:00", "2024-05-01T23:00:00.000001Z"),
        ("2024-05-01T23:00:00Z", 1714604401.5),                       # Config API: epoch seconds
    ]
    pairs[1] = ("2024-05-01T23:00:00.45+00:00", "2024-05-01T23:00:00.5Z")
    items = []
    for i, (early, late) in enumerate(pairs):
        name = "pub-time-%d" % i
        items.append(item(name, late, public=True))   # listed first: input order must not decide
        items.append(item(name, early, public=False))
        name = "priv-time-%d" % i
        items.append(item(name, early, public=True))
        items.append(item(name, late, public=False))
    inp = write("times/snap.json", snapshot(*items))
    rc, out, err = run(["scan", "-f", "json", inp])
    ok(rc, err, 0)
    public = sorted({f["resource"]["id"] for f in findings(out) if f["rule"]["category"] == "public-access"})
    want = sorted("arn:aws:s3:::pub-time-%d" % i for i in range(len(pairs)))
    assert public == want, (public, want)
    # a time that is no time: a warning naming it, and it loses to a real one
    bad = write("times/bad.json", snapshot(item("priv-badtime", "yesterday", public=True),
                                           item("priv-badtime", "2020-01-01T00:00:00Z", public=False)))
    rc, out, err = run(["scan", "-f", "json", bad])
    ok(rc, err, 0)
    assert not [f for f in findings(out) if f["rule"]["category"] == "public-access"], out[:500]
    assert re.search(r"record 1: warning: configurationItemCaptureTime 'yesterday' is not an ISO 8601 time", err), err


# ---- duplicate keys: the last one wins (as jq and Python read the item) ------------
@case("duplicate-keys-last-wins")
def _():
    import gzip
    priv = json.dumps({"grantList": [], "owner": {"id": "o"}})
    pub = json.dumps({"grantList": [{"grantee": "AllUsers", "permission": "Read"}], "owner": {"id": "o"}})

    def dup_item(name, first, last, where):
        text = json.dumps(item(name), separators=(",", ":"))
        sup = '"supplementaryConfiguration":{"AccessControlList":%s}' % json.dumps(priv)
        assert sup in text
        if where == "supplementary":     # the key twice in one object
            text = text.replace(sup, '"supplementaryConfiguration":{"AccessControlList":%s,"AccessControlList":%s}'
                                % (json.dumps(first), json.dumps(last)))
        elif where == "object":          # the whole object twice
            text = text.replace(sup, '"supplementaryConfiguration":{"AccessControlList":%s},'
                                '"supplementaryConfiguration":{"AccessControlList":%s}' % (json.dumps(first), json.dumps(last)))
        else:                            # inside the embedded ACL document
            acl = '{"grantList":%s,"owner":{"id":"o"},"grantList":%s}' % (
                json.dumps(json.loads(first)["grantList"]), json.dumps(json.loads(last)["grantList"]))
            text = text.replace(sup, '"supplementaryConfiguration":{"AccessControlList":%s}' % json.dumps(acl))
        return text

    items, want = [], set()
    for where in ("supplementary", "object", "embedded"):
        items.append(dup_item("pub-last-" + where, priv, pub, where))
        items.append(dup_item("priv-last-" + where, pub, priv, where))
        want.add("arn:aws:s3:::pub-last-" + where)
    text = '{"fileVersion":"1.0","configurationItems":[' + ",".join(items) + "]}"
    # what Python (and jq) read from the same text
    py = {"arn:aws:s3:::" + i["resourceId"] for i in json.loads(text)["configurationItems"]
          if "AllUsers" in json.dumps(json.loads(i["supplementaryConfiguration"]["AccessControlList"]))}
    assert py == want, (py, want)
    plain = write("dup/snap.json", text)
    gz = path("dup/snap.json.gz")
    with gzip.open(gz, "wb") as f:
        f.write(text.encode())
    for args in ([plain], [gz], ["--threads", "2", plain], ["--full-records", plain]):
        rc, out, err = run(["scan", "-f", "json"] + args)
        ok(rc, err, 0)
        public = {f["resource"]["id"] for f in findings(out) if f["rule"]["category"] == "public-access"}
        assert public == want, (args, sorted(public))


for name, errmsg in results:
    print(("ok   " if errmsg is None else "FAIL ") + name + ("" if errmsg is None else ": " + errmsg[:3000]))
shutil.rmtree(TMP, ignore_errors=True)
bad = sum(1 for _, e in results if e)
print("%d passed, %d failed" % (len(results) - bad, bad))
sys.exit(1 if bad else 0)
