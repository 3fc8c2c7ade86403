#!/usr/bin/env python3
"""Hand-written investigate cases (tests/forensics/cases/*/case.json): each run
gives the arguments (inputs relative to the case folder), the exit code and a
subset of the JSON result that must match exactly (lists of objects match by
position; objects match on the keys given).

usage: test_cases.py CLOUDWARDEN [CASE...]"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def match(want, got, path, errs):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            errs.append("%s: expected an object, got %r" % (path, got))
            return
        for k, v in want.items():
            if k not in got:
                errs.append("%s.%s: missing" % (path, k))
            else:
                match(v, got[k], "%s.%s" % (path, k), errs)
    elif isinstance(want, list) and want and isinstance(want[0], dict):
        if not isinstance(got, list) or len(got) != len(want):
            errs.append("%s: expected %d entries, got %s" % (path, len(want), json.dumps(got)[:600]))
            return
        for i, (w, g) in enumerate(zip(want, got)):
            match(w, g, "%s[%d]" % (path, i), errs)
    elif want != got:
        errs.append("%s: expected %r, got %r" % (path, want, got))


def main():
    binary = os.path.abspath(sys.argv[1])
    names = sys.argv[2:] or sorted(d for d in os.listdir(os.path.join(HERE, "cases")))
    passed = failed = 0
    for name in names:
        d = os.path.join(HERE, "cases", name)
        case = json.load(open(os.path.join(d, "case.json")))
        for i, run in enumerate(case["runs"]):
            p = subprocess.run([binary, "investigate", "-q", "--format", "json", *run["args"]], cwd=d,
                               capture_output=True, text=True)
            errs = []
            if p.returncode != run.get("rc", 0):
                errs.append("exit code %d, expected %d; stderr: %s" % (p.returncode, run.get("rc", 0), p.stderr[-800:]))
            try:
                out = json.loads(p.stdout)
                match(run["expect"], out, "$", errs)
            except ValueError as e:
                errs.append("not JSON: %s: %s" % (e, p.stdout[:300]))
            if errs:
                failed += 1
                print("FAIL %s run %d:\n  %s" % (name, i + 1, "\n  ".join(errs)))
            else:
                passed += 1
                print("ok   %s run %d" % (name, i + 1))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
