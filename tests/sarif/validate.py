#!/usr/bin/env python3
"""SARIF accepted by Microsoft's SARIF Multitool (`validate`, npm
@microsoft/sarif-multitool-linux) with no error, no warning (issue 9): the
example estate from a directory and from standard input, a rule pack whose rule
has punctuation in its title and odd characters in its id and references, suppressed findings
shown, and a scan with no findings. Also checks what the validator does not:
every result has a physical location (standard input too), every rule's name
differs from its id.

usage: validate.py BINARY SOURCE_ROOT
Exit 77 (skip) only when the Multitool cannot be installed (no npm / registry).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="cw-sarif-")

inst = subprocess.run([os.path.join(HERE, "install-multitool.sh")], capture_output=True, text=True)
if inst.returncode != 0 or not inst.stdout.strip():
    print("SKIP: SARIF Multitool not installable: " + inst.stderr.strip()[-500:])
    sys.exit(77)
MT = inst.stdout.strip().splitlines()[-1]

PACK = """
- rule: t.odd.id_with-Parts
  title: "s3: <odd> title & ünïcode (v2)"
  resource: AWS::S3::Bucket
  severity: low
  category: hardening
  condition: configuration.name != ""
  evidence: "bucket {configuration.name} <b>&amp;</b>"
  description: punctuation and non-ASCII in the title
  references: ["https://example.org/a b?x=<1>"]
"""
pack = os.path.join(TMP, "pack.yaml")
with open(pack, "w") as f:
    f.write(PACK)
ignore = os.path.join(TMP, "ignore.yaml")
with open(ignore, "w") as f:
    f.write("- rule: aws-s3-*\n  resource: '*'\n  reason: accepted for the test\n")

estate = os.path.join(ROOT, "examples", "estate")
snap = os.path.join(estate, "snapshot.json")
hardened = os.path.join(ROOT, "tests", "golden", "hardened-estate", "inputs")
base = ["scan", "-q", "-f", "sarif", "--no-config", "--no-ignore-file"]
CASES = [
    ("directory", base + [estate], None),
    ("stdin", base + ["-"], snap),
    ("pack-odd-title", base + ["-r", pack, estate], None),
    ("suppressed", ["scan", "-q", "-f", "sarif", "--no-config", "--ignore-file", ignore,
                    "--show-suppressed", estate], None),
    ("no-findings", base + [hardened], None),
]
problems = {name: [] for name, _, _ in CASES}
outs = {}
for name, args, stdin in CASES:
    out = os.path.join(TMP, name + ".sarif")
    with open(stdin or os.devnull, "rb") as fin:
        p = subprocess.run([BIN] + args, stdin=fin, capture_output=True, timeout=120)
    pr = problems[name]
    if p.returncode not in (0, 1):
        pr.append("scan exit %d: %s" % (p.returncode, p.stderr.decode()[-800:]))
        continue
    with open(out, "wb") as f:
        f.write(p.stdout)
    outs[name] = out
    run = json.loads(p.stdout)["runs"][0]
    for r in run["tool"]["driver"]["rules"]:
        if r.get("name") in (None, "", r["id"]):
            pr.append("rule %s: name %r" % (r["id"], r.get("name")))
    for i, r in enumerate(run["results"]):
        loc = r["locations"][0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
        if not loc:
            pr.append("result %d (%s) has no physical location" % (i, r["ruleId"]))
    if name == "stdin":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
        if uris != {"stdin"} or not run["results"]:
            pr.append("stdin uris %s" % uris)
    if name == "no-findings" and run["results"]:
        pr.append("expected no results, got %d" % len(run["results"]))
    if name != "no-findings" and not run["results"]:
        pr.append("no results")

# one Multitool run over every log (its start-up is most of the time); its
# results name the log they are about
vout = os.path.join(TMP, "validation.sarif")
v = subprocess.run([MT, "validate"] + list(outs.values()) + ["-o", vout, "--log", "ForceOverwrite"],
                   capture_output=True, text=True, timeout=500)
if v.returncode != 0:
    for name in outs:
        problems[name].append("multitool exit %d: %s" % (v.returncode, (v.stdout + v.stderr)[-1500:]))
else:
    byuri = {"file://" + path: name for name, path in outs.items()}
    for r in json.load(open(vout, encoding="utf-8-sig"))["runs"][0].get("results", []):
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        problems[byuri.get(uri, next(iter(outs)))].append(
            "%s %s: %s" % (r.get("level", "warning"), r.get("ruleId"), json.dumps(r.get("message"))[:300]))

failed = 0
for name, _, _ in CASES:
    print("%s %s" % ("ok  " if not problems[name] else "FAIL", name))
    for pr in problems[name][:20]:
        print("     " + pr)
    failed += bool(problems[name])
if not failed:
    shutil.rmtree(TMP, ignore_errors=True)
else:
    print("outputs kept in " + TMP)
print("%d passed, %d failed" % (len(CASES) - failed, failed))
sys.exit(1 if failed else 0)
