#!/usr/bin/env python3
"""Golden tests as data.

A case is a folder under tests/golden/ holding:
  inputs/        AWS Config files (snapshot, history, items, notifications; optional)
  rules/         extra rule packs, passed as `--rules rules` (optional)
  args           extra scan arguments, shell-quoted, '#' starts a comment (optional);
                 @SOURCE_ROOT@ is the source tree, @CORPORA@ the shared corpora
                 folder (../shared/corpora from the source root, or $CW_CORPORA);
                 a case that names @CORPORA@ is skipped when the folder is absent
  exit_code      the expected exit status (optional; default: 0 or 1)
  expected.json  the findings, volatile fields stripped: rule id, resource id,
                 category, severity (and the exception name when suppressed),
                 sorted by resource then rule

Every case also runs with --full-records (every field of every record built):
its findings, evidence included, must equal those of the default run, which
builds only the fields the rules and analyzers declare.

The binary runs in the case folder as
  cloudwarden scan --format json --today 2026-11-25 --color never [args] [inputs]
Usage: run_golden.py --binary PATH [--update] CASE_DIR...
Exit status 0 pass, 1 mismatch or error, 77 skip (meson's convention).
"""
import argparse
import difflib
import json
import os
import shlex
import subprocess
import sys

SKIP = 77
TODAY = "2026-11-25"


def source_root():
    return os.environ.get("CW_SOURCE_ROOT") or os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def corpora_dir():
    return os.environ.get("CW_CORPORA") or os.path.normpath(os.path.join(source_root(), "..", "shared", "corpora"))


def read_args(case):
    path = os.path.join(case, "args")
    if not os.path.exists(path):
        return [], False
    text = "\n".join(line.split("#", 1)[0] for line in open(path, encoding="utf-8"))
    needs_corpora = "@CORPORA@" in text
    text = text.replace("@SOURCE_ROOT@", source_root()).replace("@CORPORA@", corpora_dir())
    return shlex.split(text), needs_corpora


def normalise(doc):
    """Findings JSON -> the stable list kept in expected.json."""
    out = []
    for f in doc.get("findings", []):
        rule, res = f.get("rule", {}), f.get("resource", {})
        row = {"rule": rule.get("id"), "resource": res.get("id"),
               "category": rule.get("category"), "severity": rule.get("severity")}
        if f.get("suppressed"):
            row["suppressed"] = f["suppressed"]
        out.append(row)
    out.sort(key=lambda r: (r["resource"] or "", r["rule"] or "", r.get("suppressed", "")))
    return out


def render(rows):
    """One finding per line so that diffs read finding by finding."""
    lines = ["{", '  "findings": [']
    for i, r in enumerate(rows):
        lines.append("    " + json.dumps(r, separators=(", ", ": ")) + ("," if i + 1 < len(rows) else ""))
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def run_case(binary, case, update):
    name = os.path.basename(os.path.normpath(case))
    args, needs_corpora = read_args(case)
    if needs_corpora and not os.path.isdir(corpora_dir()):
        print("SKIP %s: corpora folder %s is absent" % (name, corpora_dir()))
        return SKIP
    cmd = [binary, "scan", "--format", "json", "--today", TODAY, "--color", "never"]
    if os.path.isdir(os.path.join(case, "rules")):
        cmd += ["--rules", "rules"]
    cmd += args
    if os.path.isdir(os.path.join(case, "inputs")):
        cmd.append("inputs")
    try:
        p = subprocess.run(cmd, cwd=case, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        print("FAIL %s: timed out: %s" % (name, " ".join(cmd)))
        return 1
    stderr = p.stderr.decode("utf-8", "replace")
    want_rc = None
    rc_path = os.path.join(case, "exit_code")
    if os.path.exists(rc_path):
        want_rc = int(open(rc_path).read().split()[0])
    if (want_rc is not None and p.returncode != want_rc) or (want_rc is None and p.returncode not in (0, 1)):
        print("FAIL %s: exit status %d, expected %s\n  command: %s\n  stderr:\n%s" % (
            name, p.returncode, want_rc if want_rc is not None else "0 or 1", " ".join(cmd), stderr))
        return 1
    try:
        doc = json.loads(p.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        print("FAIL %s: output is not JSON (%s)\n  stderr:\n%s" % (name, e, stderr))
        return 1
    actual = render(normalise(doc))
    exp_path = os.path.join(case, "expected.json")
    if update:
        with open(exp_path, "w", encoding="utf-8") as f:
            f.write(actual)
        print("UPDATED %s (%d findings)" % (name, len(normalise(doc))))
        return 0
    if not os.path.exists(exp_path):
        print("FAIL %s: no expected.json (run with --update to create it)" % name)
        return 1
    expected = open(exp_path, encoding="utf-8").read()
    if expected != actual:
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                   "%s/expected.json" % name, "%s/actual" % name))
        print("FAIL %s: findings differ from expected.json (see diff above)\n  command: %s\n  stderr:\n%s" % (
            name, " ".join(cmd), stderr))
        return 1
    full = subprocess.run(cmd[:2] + ["--full-records"] + cmd[2:], cwd=case, capture_output=True, timeout=300)
    try:
        full_doc = json.loads(full.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        print("FAIL %s: --full-records output is not JSON (%s)" % (name, e))
        return 1
    if full.returncode != p.returncode or full_doc.get("findings") != doc.get("findings"):
        a = [json.dumps(f, sort_keys=True) + "\n" for f in doc.get("findings", [])]
        b = [json.dumps(f, sort_keys=True) + "\n" for f in full_doc.get("findings", [])]
        sys.stdout.writelines(difflib.unified_diff(a, b, "projected", "--full-records"))
        print("FAIL %s: the findings with --full-records differ from the projected scan (exit %d vs %d)" % (
            name, full.returncode, p.returncode))
        return 1
    print("PASS %s (%d findings, the same with --full-records)" % (name, len(normalise(doc))))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--update", action="store_true", help="rewrite expected.json from the current output")
    ap.add_argument("cases", nargs="+")
    o = ap.parse_args()
    binary = os.path.abspath(o.binary)
    results = [run_case(binary, os.path.abspath(c), o.update) for c in o.cases]
    if any(r == 1 for r in results):
        return 1
    if all(r == SKIP for r in results):
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
