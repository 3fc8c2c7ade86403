#!/usr/bin/env python3
"""The exactness invariant: in tests/golden/exactness every data store is named after
its true verdict. A store named `pub-*` must get at least one public-access or
network-exposure finding; a store named `priv-*`, and any resource not named `pub-*`,
must get none. Checked on the live scan output AND on expected.json, so neither the
analyzers nor an `--update` can drift silently.

Usage: check_naming.py --binary PATH CASE_DIR
"""
import argparse
import glob
import json
import os
import subprocess
import sys

VERDICT = {"public-access", "network-exposure"}
MIN_NAMED = 40


def items_of(path):
    doc = json.load(open(path, encoding="utf-8"))
    if isinstance(doc, dict) and "configurationItems" in doc:
        return doc["configurationItems"]
    if isinstance(doc, dict) and "configurationItem" in doc:
        return [doc["configurationItem"]]
    return doc if isinstance(doc, list) else [doc]


def name_of_id(rid):
    tail = rid.rsplit(":", 1)[-1]
    return tail.rsplit("/", 1)[-1]


def inventory(case):
    """resource id -> name for every item of the inputs."""
    ids = {}
    for path in sorted(glob.glob(os.path.join(case, "inputs", "**", "*.json"), recursive=True)):
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("case")
    o = ap.parse_args()
    case = os.path.abspath(o.case)
    ids = inventory(case)
    named = [n for n in ids.values() if n.startswith("pub-") or n.startswith("priv-")]
    npub = sum(1 for n in named if n.startswith("pub-"))
    errors = []
    if len(named) < MIN_NAMED:
        errors.append("only %d pub-*/priv-* resources in the inputs; the case needs at least %d" % (len(named), MIN_NAMED))
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
        errors += check("scan output", live, ids)
    exp_path = os.path.join(case, "expected.json")
    if os.path.exists(exp_path):
        exp = [f for f in json.load(open(exp_path, encoding="utf-8"))["findings"] if not f.get("suppressed")]
        errors += check("expected.json", exp, ids)
    else:
        errors.append("no expected.json in %s" % case)
    for e in errors:
        print("FAIL " + e)
    if errors:
        return 1
    print("PASS naming invariant: %d named data stores (%d pub-*, %d priv-*)" % (len(named), npub, len(named) - npub))
    return 0


if __name__ == "__main__":
    sys.exit(main())
