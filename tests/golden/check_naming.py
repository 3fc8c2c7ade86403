#!/usr/bin/env python3
"""The naming invariant of the golden cases: in tests/golden/exactness (and the other
cases whose resources carry pub-/priv- names) every data store is named after its
true verdict. A store named `pub-*` must get at least one public-access or
network-exposure finding; a store named `priv-*`, and any resource not named `pub-*`,
must get none. Checked on the live scan output AND on expected.json, so neither the
analyzers nor an `--update` can drift silently.

Usage: check_naming.py --binary PATH [--min-named N] CASE_DIR
"""
import argparse
import glob
import gzip
import json
import os
import subprocess
import sys

VERDICT = {"public-access", "network-exposure"}


def unwrap(doc):
    """Configuration items inside a snapshot/history file, an item, a change
    notification, an SNS or EventBridge envelope, or a list of any of these."""
    if isinstance(doc, list):
        return [i for d in doc for i in unwrap(d)]
    if not isinstance(doc, dict):
        return []
    if "configurationItems" in doc:
        return unwrap(doc["configurationItems"])
    if "configurationItem" in doc:
        return unwrap(doc["configurationItem"])
    if isinstance(doc.get("Message"), str):
        return unwrap(json.loads(doc["Message"]))
    if "detail-type" in doc and "detail" in doc:
        return unwrap(doc["detail"])
    return [doc] if "resourceType" in doc else []


def items_of(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        text = f.read()
    if ".ndjson" in path or ".jsonl" in path:
        return [i for line in text.splitlines() if line.strip() for i in unwrap(json.loads(line))]
    return unwrap(json.loads(text))


def name_of_id(rid):
    tail = rid.rsplit(":", 1)[-1]
    return tail.rsplit("/", 1)[-1]


def inventory(case):
    """resource id -> name for every item of the inputs."""
    ids = {}
    for path in sorted(glob.glob(os.path.join(case, "inputs", "**", "*"), recursive=True)):
        if os.path.isdir(path):
            continue
        for it in items_of(path):
            rid = it.get("ARN") or it.get("arn") or "%s/%s" % (it.get("resourceType"), it.get("resourceId"))
            name = it.get("resourceName") or name_of_id(rid)
            ids[rid] = name
    return ids


def check(label, findings, ids):
    errors = []
    exposed = {}
    for f in findings:
        if f["category"] in VERDICT:
            exposed.setdefault(f["resource"], []).append(f["rule"])
    for rid, rules in sorted(exposed.items()):
        name = ids.get(rid, name_of_id(rid))
        if not name.startswith("pub-"):
            errors.append("%s: %s (%s) is not named pub-* but got %s" % (label, name, rid, ", ".join(sorted(rules))))
    for rid, name in sorted(ids.items()):
        if name.startswith("pub-") and rid not in exposed:
            errors.append("%s: %s (%s) is named pub-* but got no public-access/network-exposure finding" %
                          (label, name, rid))
    return errors


def check_admin(label, findings, ids):
    """--scheme admin (tests/golden/iam-admin): admin-* gets a full-admin finding,
    near-* the near-admin one and no full-admin one, notadmin-* neither."""
    errors = []
    got = {}
    for f in findings:
        if "full-admin" in f["rule"]:
            got.setdefault(f["resource"], set()).add("admin")
        elif f["rule"] == "aws-iam-near-admin":
            got.setdefault(f["resource"], set()).add("near")
    for rid, name in sorted(ids.items()):
        want = set()
        if name.startswith("admin-"):
            want = {"admin"}
        elif name.startswith("near-"):
            want = {"near"}
        have = got.get(rid, set())
        if have != want:
            errors.append("%s: %s (%s) got %s, its name says %s" % (label, name, rid, sorted(have) or "no admin finding",
                                                                   sorted(want) or "not an administrator"))
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--min-named", type=int, default=40, help="pub-*/priv-* resources the case must hold")
    ap.add_argument("--scheme", choices=("pub", "admin"), default="pub",
                    help="pub: pub-*/priv-* data stores; admin: admin-*/near-*/notadmin-* IAM principals and policies")
    ap.add_argument("case")
    o = ap.parse_args()
    case = os.path.abspath(o.case)
    ids = inventory(case)
    admin = o.scheme == "admin"
    pos, neg = ("admin-", "notadmin-") if admin else ("pub-", "priv-")
    named = [n for n in ids.values() if n.startswith(pos) or n.startswith(neg) or (admin and n.startswith("near-"))]
    npub = sum(1 for n in named if n.startswith(pos))
    errors = []
    chk = check_admin if admin else check
    if len(named) < o.min_named:
        errors.append("only %d pub-*/priv-* resources in the inputs; the case needs at least %d" % (len(named), o.min_named))
    if npub == 0 or npub == len(named):
        errors.append("the inputs need both pub-* and priv-* resources")

    cmd = [os.path.abspath(o.binary), "scan", "--format", "json", "--today", "2026-11-25", "--color", "never",
           "--quiet", "inputs"]
    p = subprocess.run(cmd, cwd=case, capture_output=True, timeout=300)
    if p.returncode not in (0, 1):
        errors.append("scan exited %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")))
    else:
        doc = json.loads(p.stdout)
        live = [{"rule": f["rule"]["id"], "resource": f["resource"]["id"], "category": f["rule"]["category"]}
                for f in doc.get("findings", []) if not f.get("suppressed")]
        errors += chk("scan output", live, ids)
    exp_path = os.path.join(case, "expected.json")
    if os.path.exists(exp_path):
        exp = [f for f in json.load(open(exp_path, encoding="utf-8"))["findings"] if not f.get("suppressed")]
        errors += chk("expected.json", exp, ids)
    else:
        errors.append("no expected.json in %s" % case)
    for e in errors:
        print("FAIL " + e)
    if errors:
        return 1
    print("PASS naming invariant of %s: %d named resources (%d %s*, %d others)" % (
        os.path.basename(case), len(named), npub, pos, len(named) - npub))
    return 0


if __name__ == "__main__":
    sys.exit(main())
