#!/usr/bin/env python3
"""indep_accuracy.py - precision and recall of `cloudwarden classify` on the independent corpus
(indep_corpus.py: Faker values from Debian's python3-fake-factory and values from published
format specifications), per category, per country and per file type.

  indep_accuracy.py CLOUDWARDEN [--keep DIR] [--rows N] [--seed N] [-v]

Targets (issue 11): precision >= 0.99 for every category; recall >= 0.95 for e-mail, VIN,
card, phone, plate and date of birth and >= 0.90 for names and addresses in structured files;
>= 0.85 for every category in free text. Exits 77 (skipped) when Faker is not installed,
1 below a target.
"""
import collections
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import indep_corpus  # noqa: E402
except ImportError as e:
    print(f"skipped: {e} (install python3-fake-factory: scripts/install-deps.sh)")
    sys.exit(77)
from accuracy import evaluate, snippet  # noqa: E402

HIGH = {"email_address", "vin", "credit_card", "phone_number", "vehicle_registration", "date_of_birth"}


def kind(fname):
    return "free text" if fname.endswith(".txt") else "structured"


def ftype(fname):
    for ext in (".csv", ".tsv.gz", ".sql", ".ndjson", ".txt"):
        if fname.endswith(ext):
            return ext.lstrip(".")
    return "other"


def ratio(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    return p, rc


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    exe = argv[0]
    verbose = "-v" in argv
    rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 220
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 11
    keep = argv[argv.index("--keep") + 1] if "--keep" in argv else None
    tmp = None if keep else tempfile.TemporaryDirectory(prefix="cw-classify-indep-")
    corpus = os.path.join(keep or tmp.name, "corpus")
    labels = indep_corpus.write_all(corpus, seed, rows)
    os.remove(os.path.join(corpus, "labels.tsv"))
    proc = subprocess.run([exe, "classify", "--format", "spans", "--no-samples", "-q", corpus], capture_output=True)
    if proc.returncode != 0:
        print(proc.stderr.decode(), file=sys.stderr)
        return 1
    found = []
    for line in proc.stdout.decode().splitlines():
        path, off, ln, cat, cc = line.split("\t")
        found.append((os.path.relpath(path, corpus), int(off), int(ln), cat, cc, ""))
    labs = [(l[0], l[1], l[2], l[3], l[4]) for l in labels if not l[3].startswith("?")]
    # optional labels ("?phone_number"): a value classify need not find; reported as that
    # category it is neither a hit nor a false positive, as anything else it is a false positive
    opt = [(l[0], l[1], l[2], l[3][1:]) for l in labels if l[3].startswith("?")]
    optby = collections.defaultdict(list)
    for o in opt:
        optby[(o[0], o[3])].append(o)
    found = [f for f in found if not any(o[1] < f[1] + f[2] and f[1] < o[1] + o[2] for o in optby[(f[0], f[3])])]
    # one evaluation per file: TP/FP/FN attributable to file type and country
    byfile = collections.defaultdict(lambda: ([], []))
    for l in labs:
        byfile[l[0]][0].append(l)
    for f in found:
        byfile[f[0]][1].append(f)
    cells = collections.defaultdict(lambda: [0, 0, 0])  # (scope, key, cat) -> tp fp fn
    examples = collections.defaultdict(list)
    for fname, (fl, ff) in byfile.items():
        stats, fps, fns = evaluate(fl, ff)
        for cat, (tp, fp, fn) in stats.items():
            if cat == "vin(NA)":
                continue
            for scope, key in (("all", "all"), ("kind", kind(fname)), ("file", ftype(fname))):
                c = cells[(scope, key, cat)]
                c[0] += tp; c[1] += fp; c[2] += fn
        # per country: a label's country; a false positive's reported country
        matched = collections.Counter()
        for cat in set(list(fps) + list(fns)):
            for d in fps.get(cat, []):
                cells[("country", d[4] or "-", cat)][1] += 1
                examples[("FP", cat)].append((fname, d))
            for l in fns.get(cat, []):
                cells[("country", l[4] or "-", cat)][2] += 1
                examples[("FN", cat)].append((fname, l))
        missed = {(l[0], l[1], l[3]) for cat in fns for l in fns[cat]}
        for l in fl:
            if (l[0], l[1], l[3]) not in missed:
                matched[(l[4], l[3])] += 1
        for (cc, cat), n in matched.items():
            cells[("country", cc or "-", cat)][0] += n
    cats = sorted({k[2] for k in cells})
    print(f"independent corpus: {len(os.listdir(corpus))} files, {len(labs)} labelled values, {len(found)} reported")

    def table(scope, keys):
        print(f"\n{scope}: precision / recall (TP FP FN)")
        print(f"{'category':22}" + "".join(f"{k:>24}" for k in keys))
        for cat in cats:
            row = f"{cat:22}"
            for k in keys:
                tp, fp, fn = cells.get((scope, k, cat), [0, 0, 0])
                if tp + fp + fn == 0:
                    row += f"{'-':>24}"
                    continue
                p, rc = ratio(tp, fp, fn)
                row += f"{f'{p:.3f}/{rc:.3f} ({tp} {fp} {fn})':>24}"
            print(row)

    table("all", ["all"])
    table("kind", ["structured", "free text"])
    table("file", sorted({k[1] for k in cells if k[0] == "file"}))
    table("country", sorted({k[1] for k in cells if k[0] == "country"}))
    failed = []
    for cat in cats:
        tp, fp, fn = cells[("all", "all", cat)]
        p, _ = ratio(tp, fp, fn)
        if p < 0.99:
            failed.append(f"{cat} precision {p:.3f} < 0.99")
        for k, lo in (("structured", 0.95 if cat in HIGH else 0.90), ("free text", 0.85)):
            tp, fp, fn = cells.get(("kind", k, cat), [0, 0, 0])
            if tp + fn == 0:
                continue
            _, rc = ratio(tp, fp, fn)
            if rc < lo:
                failed.append(f"{cat} recall in {k} {rc:.3f} < {lo}")
    if verbose or failed:
        for (kind_, cat), lst in sorted(examples.items()):
            for fname, rec in lst[:6]:
                print(f"  {kind_} {cat:22} {snippet(corpus, rec)!r}")
    print("\n" + ("all targets met" if not failed else "BELOW TARGET: " + "; ".join(failed)))
    print(f"{len(cats) * 3 - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
