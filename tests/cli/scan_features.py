#!/usr/bin/env python3
"""Tests of the `scan` features of issue 9: filters (--rule, --skip-rule,
--category, --type, --account, --region, --include, --exclude), the ignore
file, baselines and the config file; and the small usage errors of item 14
(--today 2026-02-31, --no-builtin with no rules).

usage: scan_features.py BINARY [CASE...]
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
ROOT = os.environ.get("CW_SOURCE_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ESTATE = os.path.abspath(os.path.join(ROOT, "examples", "estate"))
TMP = tempfile.mkdtemp(prefix="cw-features-")
results = []


def write(rel, data):
    p = os.path.join(TMP, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(data)
    return p


def run(args, cwd=None, timeout=120):
    try:
        p = subprocess.run([BIN] + args, capture_output=True, timeout=timeout, cwd=cwd or TMP)
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
        except Exception as e:
            results.append((name, "%s: %s" % (type(e).__name__, e)))
        return fn
    return deco


def ok(rc, err, code):
    assert rc is not None, "hung"
    assert rc >= 0, "crashed: signal %d: %s" % (-rc, err[-2000:])
    assert rc == code, "exit %s, expected %s: %s" % (rc, code, err[-2000:])
    assert "Sanitizer" not in err and "runtime error" not in err, err[-3000:]


def scan_json(args, code=0, cwd=None):
    rc, out, err = run(["scan", "-q", "-f", "json", "--no-config", "--no-ignore-file"] + args, cwd=cwd)
    ok(rc, err, code)
    return json.loads(out)["findings"], err


ALL, _ = None, None


def all_findings():
    global ALL
    if ALL is None:
        ALL, _ = scan_json([ESTATE])
        assert len(ALL) > 20, len(ALL)
    return ALL


@case("filters-rules")
def _():
    base = all_findings()
    fs, _ = scan_json(["--rule", "aws-s3-*", ESTATE])
    assert fs and all(f["rule"]["id"].startswith("aws-s3-") for f in fs), fs[:2]
    assert len(fs) == sum(1 for f in base if f["rule"]["id"].startswith("aws-s3-"))
    fs, _ = scan_json(["--skip-rule", "aws-s3-*", "--skip-rule", "aws-rds-*", ESTATE])
    assert fs and not any(f["rule"]["id"].startswith(("aws-s3-", "aws-rds-")) for f in fs)
    fs, _ = scan_json(["--category", "public-access", ESTATE])
    assert fs and all(f["rule"]["category"] == "public-access" for f in fs)
    # a plain id that names no rule: exit 2 and "did you mean"
    rc, out, err = run(["scan", "-q", "--no-config", "--rule", "aws-s3-bucket-publik-list", ESTATE])
    ok(rc, err, 2)
    assert "no rule has the id 'aws-s3-bucket-publik-list'; did you mean aws-s3-bucket-public-list" in err, err
    rc, out, err = run(["scan", "-q", "--no-config", "--skip-rule", "aws-s3-versioning", ESTATE])
    ok(rc, err, 2)
    assert "did you mean" in err, err
    rc, out, err = run(["scan", "-q", "--no-config", "--rule", "zz-*", ESTATE])
    ok(rc, err, 2)
    assert "the pattern 'zz-*' matches no rule" in err, err
    rc, out, err = run(["scan", "-q", "--no-config", "--category", "publik", ESTATE])
    ok(rc, err, 2)
    assert "matches no category" in err and "public-access" in err, err
    rc, out, err = run(["scan", "-q", "--no-config", "--rule", "aws-[s3", ESTATE])
    ok(rc, err, 2)
    assert "no closing" in err, err


@case("filters-assets")
def _():
    base = all_findings()
    fs, _ = scan_json(["--type", "AWS::S3::*", ESTATE])
    assert fs and all(f["resource"]["type"].startswith("AWS::S3::") for f in fs)
    regions = sorted({f["resource"].get("region") for f in base if f["resource"].get("region")})
    accounts = sorted({f["resource"].get("account") for f in base if f["resource"].get("account")})
    r = regions[0]
    fs, _ = scan_json(["--region", r, ESTATE])
    assert fs and all(f["resource"].get("region") == r for f in fs)
    a = accounts[0]
    fs, _ = scan_json(["--account", a[:4] + "*", ESTATE])
    assert fs and all(f["resource"]["account"].startswith(a[:4]) for f in fs)
    fs, _ = scan_json(["--account", "000000000000", ESTATE])
    assert fs == []
    # a misspelt type: a warning with the near one
    fs, err = scan_json(["--type", "AWS::S3::Bukket", ESTATE])
    assert fs == [] and "did you mean 'AWS::S3::Bucket'" in err, err


@case("filters-include-exclude")
def _():
    snap = open(os.path.join(ESTATE, "snapshot.json")).read()
    write("tree/acct-a/snap.json", snap)
    write("tree/acct-b/snap.json", snap.replace("210987654321", "999988887777"))
    write("tree/old/snap.json", "not json at all")
    fs, err = scan_json(["--exclude", "old", os.path.join(TMP, "tree")])
    assert fs, err
    rc, out, err = run(["scan", "-q", "--no-config", os.path.join(TMP, "tree")])
    ok(rc, err, 2)  # old/snap.json is read without --exclude
    fs, err = scan_json(["--include", "acct-b/**", os.path.join(TMP, "tree")])
    assert fs and all(f["source"]["file"].endswith("acct-b/snap.json") for f in fs), err
    fs, err = scan_json(["--include", "*.json", "--exclude", "acct-*/**", "--exclude", "old/**", os.path.join(TMP, "tree")],
                        code=2)
    assert fs == [] and "no input files" in err, err


IGNORE = """# reviewed 2026-01-10
ignore:
  - rule: aws-s3-bucket-versioning-disabled
    reason: backups cover these buckets
  - rule: "aws-*-public*"
    resource: "*crm*"
    reason: known, tracked in SEC-1
    expires: 2099-12-31
  - rule: aws-rds-*
    resource: "*"
    reason: old waiver
    expires: 2020-01-01
"""


@case("ignore-file")
def _():
    base = all_findings()
    d = os.path.join(TMP, "ign")
    write("ign/.cloudwarden-ignore.yaml", IGNORE)
    rc, out, err = run(["scan", "-f", "json", "--no-config", "--show-suppressed", ESTATE], cwd=d)
    ok(rc, err, 0)
    fs = json.loads(out)["findings"]
    vers = [f for f in fs if f["rule"]["id"] == "aws-s3-bucket-versioning-disabled"]
    assert vers and all(f.get("suppressed", "").startswith("ignore file .cloudwarden-ignore.yaml:3: backups") for f in vers), vers[:1]
    rds = [f for f in fs if f["rule"]["id"].startswith("aws-rds-")]
    assert rds and not any(f.get("suppressed", "").startswith("ignore file .cloudwarden-ignore.yaml:9:") for f in rds)
    crm = [f for f in fs if "public" in f["rule"]["id"] and "crm" in f["resource"]["id"]]
    assert crm and all(f.get("suppressed", "").startswith("ignore file .cloudwarden-ignore.yaml:5:") for f in crm), crm
    assert re.search(r"\.cloudwarden-ignore\.yaml:9: warning: ignore entry for aws-rds-\* on \* expired on 2020-01-01: "
                     r"its \d+ findings are reported again", err), err
    assert re.search(r"\d+ ignored by the ignore file \(3 entries, 1 expired\)", err), err
    # without --show-suppressed they are not reported, and --fail-on does not count them
    rc, out, err = run(["scan", "-q", "-f", "json", "--no-config", ESTATE], cwd=d)
    assert not [f for f in json.loads(out)["findings"] if f["rule"]["id"] == "aws-s3-bucket-versioning-disabled"]
    # --no-ignore-file, and an explicit file
    rc, out, err = run(["scan", "-q", "-f", "json", "--no-config", "--no-ignore-file", ESTATE], cwd=d)
    assert len(json.loads(out)["findings"]) == len(base)
    other = write("ign2.yaml", IGNORE)
    rc, out, err = run(["scan", "-q", "-f", "json", "--no-config", "--ignore-file", other, ESTATE])
    ok(rc, err, 0)
    assert len(json.loads(out)["findings"]) < len(base)
    # errors: each with its place, nothing scanned
    bad = write("bad-ignore.yaml", "- rule: x\n  resorce: y\n  reason: r\n- resource: z\n  reason: r\n"
                "- rule: y\n  reason: r\n  expires: 2026-02-31\n- rule: z\n")
    rc, out, err = run(["scan", "-q", "--no-config", "--ignore-file", bad, ESTATE])
    ok(rc, err, 2)
    assert re.search(re.escape(bad) + r":2:3: error: unknown key 'resorce'; did you mean 'resource'", err), err
    assert re.search(re.escape(bad) + r":4:3: error: entry has no 'rule'", err), err
    assert re.search(re.escape(bad) + r":8:12: error: expires: '2026-02-31' is not a date", err), err
    assert re.search(re.escape(bad) + r":9:3: error: entry has no 'reason'", err), err
    assert out == "", out[:200]


@case("baseline")
def _():
    snap = open(os.path.join(ESTATE, "snapshot.json")).read()
    base = write("bl/base.json", "")
    rc, out, err = run(["scan", "--no-config", "--baseline-out", base, ESTATE])
    ok(rc, err, 0)
    doc = json.load(open(base))
    assert doc["cloudwarden_baseline"] == 1 and len(doc["findings"]) == len(all_findings()), len(doc["findings"])
    fps = [f["fingerprint"] for f in doc["findings"]]
    assert len(set(fps)) == len(fps), "fingerprints repeat"
    # same estate: nothing new
    fs, err = scan_json(["--baseline", base, ESTATE])
    assert fs == [], fs[:2]
    rc, out, err = run(["scan", "--no-config", "--baseline", base, "--fail-on", "info", ESTATE])
    ok(rc, err, 0)
    assert re.search(r"%d already in the baseline not reported; 0 baseline findings no longer found" % len(fps), err), err
    # a new public bucket and a fixed one: only the new one is reported, the fixed one counted
    items = json.loads(snap)["configurationItems"]
    buckets = [i for i in items if i["resourceType"] == "AWS::S3::Bucket"]
    newb = json.loads(json.dumps(buckets[0]))
    newb["resourceId"] = newb["resourceName"] = "brand-new-bucket"
    newb["ARN"] = "arn:aws:s3:::brand-new-bucket"
    newb.get("configuration", {})["name"] = "brand-new-bucket"
    gone = buckets[1]
    items2 = [i for i in items if i is not gone] + [newb]
    inp = write("bl/snap2.json", json.dumps({"fileVersion": "1.0", "configurationItems": items2}))
    rc, out, err = run(["scan", "-q", "-f", "json", "--no-config", "--no-ignore-file", "--baseline", base, inp])
    ok(rc, err, 0)
    fs = json.loads(out)["findings"]
    assert fs and {f["resource"]["id"] for f in fs} == {"arn:aws:s3:::brand-new-bucket"}, fs[:3]
    rc, out, err = run(["scan", "--no-config", "--no-ignore-file", "--baseline", base, inp])
    n_gone = sum(1 for f in doc["findings"] if f["resource"] == gone["ARN"])
    assert n_gone and re.search(r"; %d baseline findings? no longer found" % n_gone, err), (n_gone, err)
    # a file that is not a baseline: exit 2 with its name, nothing scanned
    rc, out, err = run(["scan", "--no-config", "--baseline", os.path.join(ESTATE, "snapshot.json"), ESTATE])
    ok(rc, err, 2)
    assert "not a cloudwarden baseline" in err, err
    broken = write("bl/broken.json", '{"cloudwarden_baseline": 1, "findings": [\n  {"fingerprint": }\n]}')
    rc, out, err = run(["scan", "--no-config", "--baseline", broken, ESTATE])
    ok(rc, err, 2)
    assert re.search(re.escape(broken) + r":2:\d+: --baseline:", err), err
    # an unwritable --baseline-out fails the run and leaves nothing behind
    rc, out, err = run(["scan", "-q", "--no-config", "--baseline-out", os.path.join(TMP, "nodir", "b.json"), ESTATE])
    ok(rc, err, 2)
    assert "--baseline-out: cannot write" in err, err


@case("config-file")
def _():
    d = os.path.join(TMP, "cfg")
    write("cfg/.cloudwarden.yaml", "# team defaults\nformat: csv\nfail-on: high\nskip-rule:\n  - aws-s3-*\n"
          "no-builtin: false\ninputs: [%s]\n" % ESTATE)
    rc, out, err = run(["scan", "-q"], cwd=d)
    ok(rc, err, 1)  # fail-on high from the file
    assert out.startswith("severity,rule_id"), out[:100]
    assert "aws-s3-" not in out
    # the command line wins for single values, adds to lists
    rc, out, err = run(["scan", "-q", "-f", "json", "--fail-on", "critical", "--skip-rule", "aws-rds-*"], cwd=d)
    fs = json.loads(out)["findings"]
    assert not any(f["rule"]["id"].startswith(("aws-s3-", "aws-rds-")) for f in fs)
    assert rc == (1 if any(f["rule"]["severity"] == "critical" for f in fs) else 0), (rc, err)
    # --no-config and --config
    rc, out, err = run(["scan", "-q", "--no-config", "-f", "json", ESTATE], cwd=d)
    ok(rc, err, 0)
    other = write("other.yaml", "format: sarif\n")
    rc, out, err = run(["scan", "-q", "--config", other, ESTATE], cwd=d)
    assert '"version": "2.1.0"' in out, out[:200]
    rc, out, err = run(["scan", "-q", "--config", os.path.join(TMP, "none.yaml"), ESTATE])
    ok(rc, err, 2)
    assert "--config: cannot read" in err, err
    # errors name the place
    bad = write("bad.yaml", "formt: json\nfail-on: hgih\nrules: []\ncolor: [a, b]\nquiet: maybe\n")
    rc, out, err = run(["scan", "--config", bad, ESTATE])
    ok(rc, err, 2)
    assert re.search(re.escape(bad) + r":1:1: error: 'formt' is not an option a config file can set; did you mean "
                     r"'format'\?", err), err
    assert re.search(re.escape(bad) + r":5:8: error: 'quiet' is a switch: true or false, not 'maybe'", err), err
    bad2 = write("bad2.yaml", "fail-on: hgih\n")
    rc, out, err = run(["scan", "--config", bad2, ESTATE])
    ok(rc, err, 2)
    assert "--fail-on: 'hgih' is not a severity" in err and re.search(re.escape(bad2) + r":1:10: note: '--fail-on=hgih' "
                                                                     r"comes from this line", err), err
    bad3 = write("bad3.yaml", "format: [json\n")
    rc, out, err = run(["scan", "--config", bad3, ESTATE])
    ok(rc, err, 2)
    assert re.search(re.escape(bad3) + r":2:1: error: YAML:", err), err


@case("types")
def _():
    rc, out, err = run(["types"])
    ok(rc, err, 0)
    assert re.search(r"^AWS::S3::Bucket +\d+ +.*aws-s3-bucket-public-read", out, re.M), out
    rc, out, err = run(["types", "--all", "-f", "json"])
    ok(rc, err, 0)
    doc = json.loads(out)
    assert len(doc["types"]) > 500 and doc["uncovered"] > 400, (len(doc["types"]), doc["uncovered"])
    assert {"type": "AWS::Athena::WorkGroup", "known_to_aws_config": True, "rules": [], "facts": []} in doc["types"]
    # an inventory with a type no rule covers: counted by `types INPUT` and by the scan summary
    snap = json.loads(open(os.path.join(ESTATE, "snapshot.json")).read())
    extra = dict(snap["configurationItems"][0], resourceType="AWS::Athena::WorkGroup", resourceId="wg1",
                 ARN="arn:aws:athena:us-east-1:111122223333:workgroup/wg1", configuration={})
    snap["configurationItems"].append(extra)
    inp = write("types/snap.json", json.dumps(snap))
    rc, out, err = run(["types", "-f", "json", inp])
    ok(rc, err, 0)
    doc = json.loads(out)
    q = [t for t in doc["types"] if t["type"] == "AWS::Athena::WorkGroup"]
    assert q and q[0]["assets"] == 1 and q[0]["rules"] == [] and doc["uncovered_assets"] == 1, doc
    rc, out, err = run(["scan", "--no-config", "--no-ignore-file", inp])
    assert re.search(r"1 of \d+ resource types in the inputs \(1 of \d+ assets\) have no rule", err), err


@case("usage-small")
def _():
    rc, out, err = run(["scan", "--no-config", "--today", "2026-02-31", ESTATE])
    ok(rc, err, 2)
    assert "--today: '2026-02-31' is not a date" in err and "rule pack" not in err, err
    rc, out, err = run(["scan", "--no-config", "--no-builtin", ESTATE])
    ok(rc, err, 2)
    assert "no rule to run" in err, err


@case("usage-option-values")
def _():
    # an unknown --input-format: once, at once, with the valid names (was: once per file)
    d = os.path.join(TMP, "two-inputs")
    os.makedirs(d, exist_ok=True)
    for n in ("a.json", "b.json"):
        shutil.copy(os.path.join(ESTATE, "snapshot.json"), os.path.join(d, n))
    # a mistyped command: the nearest one named
    for typo, cmd in (("scna", "scan"), ("clasify", "classify"), ("rule", "rules")):
        rc, out, err = run([typo, "x"])
        ok(rc, err, 2)
        assert "did you mean '%s'?" % cmd in err, (typo, err)
    rc, out, err = run(["zzzzzz"])
    ok(rc, err, 2)
    assert "did you mean" not in err, err
    rc, out, err = run(["scan", "--no-config", "--input-format", "azure", d])
    ok(rc, err, 2)
    assert err.count("azure") == 1 and "expected aws-config" in err and "assets" not in err, err
    # sizes and counts: a sign, a blank, text, overflow or out of range is refused before anything is read
    for opt, val in (("--chunk", "-5"), ("--chunk", " 4K"), ("--chunk", "1K"), ("--chunk", "65M"),
                     ("--gzip-max-size", "-1"), ("--gzip-max-size", "99999999999999999999"),
                     ("--gzip-max-size", "20000000000G"), ("--gzip-max-ratio", "-3"), ("--segment", "4M5"),
                     ("--samples", "x"), ("--samples", "-1"), ("--threads", "-2")):
        rc, out, err = run(["classify", "-q", opt, val, ESTATE])
        ok(rc, err, 2)
        assert opt in err and "expected" in err, (opt, val, err)
        assert not out, (opt, val, out[:200])
    for opt, val in (("--chunk", "4K"), ("--chunk", "64M"), ("--gzip-max-size", "1G"), ("--samples", "0")):
        rc, out, err = run(["classify", "-q", opt, val, ESTATE])
        ok(rc, err, 0)
    # an unwritable --profile ends the run at once (exit 2), before the inputs are read
    rc, out, err = run(["classify", "-q", "--asset", "x", "--profile", os.path.join(TMP, "no", "dir", "p.json"),
                        "-o", os.path.join(TMP, "report.json"), ESTATE])
    ok(rc, err, 2)
    assert "cannot write the profile" in err, err
    assert os.path.getsize(os.path.join(TMP, "report.json")) == 0, "the report was written: the inputs were read"


for name, errmsg in results:
    print(("ok   " if errmsg is None else "FAIL ") + name + ("" if errmsg is None else ": " + errmsg[:3000]))
shutil.rmtree(TMP, ignore_errors=True)
bad = sum(1 for _, e in results if e)
print("%d passed, %d failed" % (len(results) - bad, bad))
sys.exit(1 if bad else 0)
