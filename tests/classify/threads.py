#!/usr/bin/env python3
"""threads.py - classify gives byte for byte the same report on any number of threads.

Inputs: both labelled corpora (gen_corpus.py accuracy: CSV, gzip TSV, NDJSON, pretty JSON,
an SQL dump with a second CREATE TABLE in the middle, a multi-line VALUES list and a COPY
block, a log, free text; indep_corpus.py: Excel BOM CSV with quoted multi-line addresses,
Thai/Japanese headers, mysqldump escapes, NDJSON, gzip TSV, notes) and files made here
to break the guesses a thread makes about where it starts: CSV whose quoted notes hold
newlines on most lines, NDJSON with broken lines, a text whose one line is longer than
several segments, a CSV header longer than a segment, CSVs with keywords in free-text and
typed columns and quotes of every kind.

For chunk sizes 4K, 16K and 64K, segments of one and four chunks, the JSON report (with
samples) and the span lines of --threads 2 and 3 must equal those of --threads 1, and
--threads 1 must not depend on the segment size. The summary line must show that files
were split (segments) and that the quoted-newline CSV was scanned again where a guess
was wrong; on the clean line formats no guess may fail. --scan-all (keywords looked for in
every CSV field, not only in the free-text ones) must not change the report nor the spans.

usage: threads.py CLOUDWARDEN
"""
import gzip
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def run(binp, paths, *opts, fmt="json"):
    args = [binp, "classify", "--format", fmt, *opts, *paths]
    p = subprocess.run(args, capture_output=True)
    if p.returncode not in (0,):
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout, p.stderr.decode()


def stats(err):
    m = re.search(r"; (\d+) segments, (\d+) scanned again", err)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def crafted(d, r):
    names = ["Somchai Wongsakul", "Aiko Tanaka", "Budi Santoso", "Liam O'Neill", "Maria Santos"]
    # CSV: quoted notes with newlines on most lines
    rows = ["customer_name,email,phone,notes,vin"]
    for i in range(3000):
        note = f"called {i}\nDOB: 12/03/19{50 + i % 40}\nnext visit" if i % 3 else f"note {i}"
        rows.append(f'{names[i % 5]},user{i}@example.com,+61 4{i % 100:02d} 555 {i % 1000:03d},"{note}",'
                    f'JHMCM56557C{404453 + i:06d}'[:200])
    with open(os.path.join(d, "quoted_notes.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    # NDJSON with broken lines
    with open(os.path.join(d, "broken.ndjson"), "w", encoding="utf-8") as f:
        for i in range(4000):
            if i % 97 == 5:
                f.write('{"name": "' + names[i % 5] + '", "email": "x' + str(i) + '@example.org\n')
            else:
                f.write('{"customer": {"name": "' + names[i % 5].replace("'", "\\u0027") + '", "phone": "+66 81 234 '
                        + f'{i % 10000:04d}", "email": "c{i}@example.co.th"' + '}, "note": "ok"}\n')
    # a text with one line longer than several segments, then normal lines
    with open(os.path.join(d, "long_line.log"), "w", encoding="utf-8") as f:
        f.write(" ".join(f"user{i}@example.net phone +81 90 1234 {i % 10000:04d}" for i in range(9000)) + "\n")
        for i in range(3000):
            f.write(f"2024-05-0{i % 9 + 1} visit: customer {names[i % 5]} DOB 1985-0{i % 9 + 1}-12 "
                    f"rego ABC{i % 1000:03d}\n")
    # a CSV header longer than a chunk
    cols = [f"c{i}" for i in range(1000)] + ["email", "mobile"]
    with open(os.path.join(d, "wide_header.csv"), "w", encoding="utf-8") as f:
        f.write(",".join(cols) + "\n")
        for i in range(200):
            f.write(",".join(["x"] * 1000) + f",w{i}@example.com,+61 412 345 {i % 1000:03d}\n")
    # CSV keywords in free-text and typed columns, quotes of every kind: "" escapes, a quote
    # inside an unquoted field (literal), text after a closing quote and a quote reopening
    # the field, CRLF lines, ragged rows wider than the header, other delimiters
    words = ["DOB: 12/03/1985", "Tel +61 412 345 678", "customer: Mr John Smith", "rego ABC123",
             "tanggal lahir 17 Agustus 1980", "วันเกิด 20/06/2528", "〒100-0001 東京都千代田区千代田1-1",
             "IMEI 490154203237518", "order 4111111111111111", "nopol L4124CCU", "note"]
    for name, delim in (("messy_text.csv", ","), ("messy_text_semi.csv", ";"), ("messy_text.tsv", "\t")):
        # typed columns hold most bytes, so that only the free-text ones are scanned for keywords
        rows = [delim.join(["id", "customer_name", "notes", "email", "comment", "vin", "address", "part_no"])]
        for i in range(2500):
            w1, w2 = words[i % len(words)], words[(i * 7 + 3) % len(words)]
            q = i % 6
            if q == 0:
                notes = '"' + w1 + ' said ""' + w2 + '"" ok"'
            elif q == 1:
                notes = 'plain ' + w1 + ' with "a quote" ' + w2
            elif q == 2:
                notes = '"' + w1 + '"tail ' + w2 + '"' + delim + ' again ' + w1 + '"'
            elif q == 3:
                notes = '"' + w1 + delim + ' ' + w2 + '"'
            else:
                notes = w1
            cells = [f"{i}", w2 if i % 4 else names[i % 5], notes, f"u{i}@example.com", w1, "JHMCM56557C404453",
                     f"{i % 900 + 1} Sukhumvit Road Khlong Toei Bangkok 10110 {w2} Thailand Unit {i}",
                     f"PN-{i:08d}-" + "X" * (60 + i % 50)]
            if i % 9 == 0:
                cells.append(w2)  # wider than the header: no column context
            rows.append(delim.join(cells))
        with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
            f.write("\r\n".join(rows[:1200]) + "\r\n" + "\n".join(rows[1200:]) + "\n")
    # gzip of the quoted CSV
    with open(os.path.join(d, "quoted_notes.csv"), "rb") as a, gzip.open(os.path.join(d, "quoted_gz.csv.gz"), "wb") as b:
        b.write(a.read())


def main():
    binp = sys.argv[1]
    d = tempfile.mkdtemp(prefix="cw-threads-")
    try:
        import gen_corpus
        gen_corpus.accuracy(os.path.join(d, "gen"), seed=5, rows=600)
        os.remove(os.path.join(d, "gen", "labels.tsv"))
        try:
            import indep_corpus
            indep_corpus.write_all(os.path.join(d, "indep"), seed=3, rows=150)
            for f in os.listdir(os.path.join(d, "indep")):
                if f.endswith(".tsv") and "label" in f:
                    os.remove(os.path.join(d, "indep", f))
        except ImportError as e:  # Faker missing: the generated corpus still covers every format
            print(f"note: independent corpus skipped ({e})")
        crafted(d, random.Random(1))
        paths = [d]
        fails = 0
        checks = 0
        for chunk in ("4K", "16K", "64K"):
            base, err1 = run(binp, paths, "--threads", "1", "--chunk", chunk)
            for seg in (chunk, str(int(chunk[:-1]) * 4) + "K"):
                one, _ = run(binp, paths, "--threads", "1", "--chunk", chunk, "--segment", seg)
                checks += 1
                if one != base:
                    fails += 1
                    print(f"FAIL: --threads 1 --chunk {chunk}: --segment {seg} changes the report")
                for t in ("2", "3"):
                    out, err = run(binp, paths, "--threads", t, "--chunk", chunk, "--segment", seg)
                    checks += 1
                    nseg, _ = stats(err)
                    if out != base:
                        fails += 1
                        print(f"FAIL: --chunk {chunk} --segment {seg}: --threads {t} report differs from --threads 1")
                    elif nseg <= 20:
                        fails += 1
                        print(f"FAIL: --chunk {chunk} --segment {seg} --threads {t}: files not split ({err.strip()})")
        # keywords looked for in the free-text CSV fields only, or in every field: the same
        for chunk in ("4K", "64K"):
            base, _ = run(binp, paths, "--threads", "1", "--chunk", chunk)
            for t in ("1", "2"):
                out, _ = run(binp, paths, "--threads", t, "--chunk", chunk, "--segment", "16K", "--scan-all")
                checks += 1
                if out != base:
                    fails += 1
                    print(f"FAIL: --chunk {chunk} --threads {t}: --scan-all changes the report")
        a, _ = run(binp, paths, "--threads", "1", "--chunk", "4K", "--scan-all", fmt="spans")
        b, _ = run(binp, paths, "--threads", "1", "--chunk", "4K", fmt="spans")
        checks += 1
        if a != b or not a:
            fails += 1
            print("FAIL: span lines differ with --scan-all")
        # span lines (every match, in file order)
        s1, _ = run(binp, paths, "--threads", "1", "--chunk", "4K", fmt="spans")
        s2, _ = run(binp, paths, "--threads", "2", "--chunk", "4K", "--segment", "8K", fmt="spans")
        checks += 1
        if s1 != s2 or not s1:
            fails += 1
            print("FAIL: span lines differ between --threads 1 and 2")
        # where guesses fail, and where they must not
        _, err = run(binp, [os.path.join(d, "quoted_notes.csv")], "--threads", "2", "--chunk", "4K", "--segment", "4K")
        nseg, redo = stats(err)
        checks += 1
        if not (nseg > 10 and redo > 0):
            fails += 1
            print(f"FAIL: quoted newlines: expected segments scanned again, got {nseg} segments, {redo} again")
        clean = [os.path.join(d, "gen", f) for f in os.listdir(os.path.join(d, "gen"))
                 if f.endswith((".ndjson", ".log")) or f == "dealer_customers.csv"]
        _, err = run(binp, clean, "--threads", "2", "--chunk", "4K", "--segment", "4K")
        nseg, redo = stats(err)
        checks += 1
        if not (nseg > 10 and redo == 0):
            fails += 1
            print(f"FAIL: clean line formats: expected no segment scanned again, got {nseg} segments, {redo} again "
                  f"({', '.join(os.path.basename(c) for c in clean)})")
        print(f"threads: {checks - fails} of {checks} checks passed")
        sys.exit(1 if fails else 0)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
