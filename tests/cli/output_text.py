#!/usr/bin/env python3
"""Text from inputs shown to people (issue 9 item 14): control characters (ESC
sequences, BEL, C1 CSI), bidirectional overrides (U+202E), zero-width and other
invisible code points in resource names, tags, capture times, file names and rule
packs never reach a terminal or a spreadsheet as they are: every output for people
(the scan table, CSV, diagnostics on standard error, the classify table, rules
list/show, types) writes them as visible escapes (\\x1b, \\u202e); the JSON
formats keep the exact value (a parser reads the same string) but escape them too.
Fails on the old behaviour (raw ESC and U+202E in the table, CSV and stderr).

usage: output_text.py BINARY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="cw-text-")
results = []

HOSTILE = "evil\u202egpj.exe\x1b[31mRED\x1b]0;title\x07\x01\u009b2J\u200b\u2066x\u2069\ufeff\U000e0041end"
UNSAFE_CPS = set(range(0x00, 0x20)) | {0x7F} | set(range(0x80, 0xA0)) | {
    0x00AD, 0x061C, 0x180E, 0xFEFF} | set(range(0x200B, 0x2010)) | set(range(0x2028, 0x202F)) | set(
    range(0x2060, 0x2070)) | set(range(0xE0000, 0xE0080))


def unsafe(text, allow="\n\r\t"):
    """The unsafe code points in text (newline, CR and tab allowed)."""
    return sorted({hex(ord(c)) for c in text if ord(c) in UNSAFE_CPS and c not in allow})


def run(args, cwd=None):
    p = subprocess.run([BIN] + args, capture_output=True, timeout=120, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8", "strict"), p.stderr.decode("utf-8", "strict")


def case(fn):
    try:
        fn()
        results.append((fn.__name__, None))
    except AssertionError as e:
        results.append((fn.__name__, str(e) or "assertion failed"))
    except Exception as e:  # a bug in the test itself, or output that is not UTF-8
        results.append((fn.__name__, "%s: %s" % (type(e).__name__, e)))
    return fn


def write(name, data, mode="w"):
    p = os.path.join(TMP, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, mode) as f:
        f.write(data)
    return p


def item(name, t="2024-01-01T00:00:00.000Z", rtype="AWS::S3::Bucket"):
    acl = {"grantList": [{"grantee": "AllUsers", "permission": "Read"}], "owner": {"id": "o"}}
    return {"configurationItemVersion": "1.3", "awsAccountId": "111122223333", "configurationItemStatus": "OK",
            "configurationItemCaptureTime": t, "resourceType": rtype, "resourceId": name,
            "ARN": "arn:aws:s3:::" + name, "awsRegion": "us-east-1", "tags": {"owner" + HOSTILE: HOSTILE},
            "relationships": [], "resourceName": name, "configuration": {"name": name},
            "supplementaryConfiguration": {"AccessControlList": json.dumps(acl)}}


SNAP = None


def snap():
    global SNAP
    if SNAP is None:
        SNAP = write("in/snap.json", json.dumps({"fileVersion": "1.0", "configurationItems": [
            item(HOSTILE), item("b" + HOSTILE, t="\x1b[2J" + HOSTILE)]}))
    return SNAP


@case
def scan_table_and_csv():
    for fmt, allow in (("table", "\n"), ("csv", "\n\r\t")):
        for width in ("60", "100", "200"):
            env_cols = os.environ.get("COLUMNS")
            os.environ["COLUMNS"] = width
            try:
                rc, out, err = run(["scan", "-f", fmt, "--color", "never", snap()])
            finally:
                if env_cols is None:
                    del os.environ["COLUMNS"]
                else:
                    os.environ["COLUMNS"] = env_cols
            assert rc == 0, (fmt, rc, err)
            assert not unsafe(out, allow), (fmt, width, unsafe(out, allow), out[:400])
            assert not unsafe(err, "\n"), (fmt, unsafe(err, "\n"), err[:400])
            assert "\\u202e" in out or (fmt == "table" and "\u2026" in out), (fmt, out[:400])  # shown, or cut out
        if fmt == "csv":  # the whole id, escaped, in its cell
            assert "arn:aws:s3:::evil\\u202egpj.exe\\x1b[31mRED\\x1b]0;title\\x07\\x01\\u009b2J\\u200b\\u2066x\\u2069" \
                   "\\ufeff\\U000e0041end" in out, out[:600]


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


@case
def scan_json_formats_keep_the_value():
    for fmt in ("json", "sarif", "ocsf"):
        rc, out, err = run(["scan", "-f", fmt, snap()])
        assert rc == 0, (fmt, rc, err)
        assert not unsafe(out, "\n"), (fmt, unsafe(out, "\n"))
        assert any(HOSTILE in v for v in strings(json.loads(out))), fmt  # the exact value, parsed


@case
def diagnostics():
    # the bad capture time is quoted in a warning, the file name in every message
    d = os.path.join(TMP, "diag\u202e\x1b[1m")
    os.makedirs(d, exist_ok=True)
    shutil.copy(snap(), os.path.join(d, "x\x1b[5m.json"))
    write("diag\u202e\x1b[1m/bad\u202e.json", '{"configurationItems": [ {"resourceType": \x01} ]}')
    rc, out, err = run(["scan", "-f", "json", d])
    assert rc == 2, (rc, err)
    assert "warning" in err and "error" in err, err
    assert not unsafe(err, "\n"), (unsafe(err, "\n"), err[:600])
    assert "\\u202e" in err and "\\x1b" in err, err[:600]
    # an immediate error (cw_error) naming a file
    rc, out, err = run(["scan", os.path.join(TMP, "missing\x1b[2J\u202e.json")])
    assert rc == 2 and not unsafe(err, "\n"), (rc, err)
    # a rule pack error with its source line and caret
    pack = write("pack/bad.yaml", "- rule: x-a\n  title: \"t \x1b[31m\u202e\"\n  severity: lo\u202ew\n")
    rc, out, err = run(["scan", "--no-builtin", "-r", pack, snap()])
    assert rc == 2 and "error" in err, (rc, err)
    assert not unsafe(err, "\n"), (unsafe(err, "\n"), err[:600])


@case
def classify_table():
    name = "cust\x1b[31m\u202evsc.csv"
    write("cls/" + name, "name,email\nJohn Smith,john@example.com\n")
    rc, out, err = run(["classify", os.path.join(TMP, "cls")])
    assert rc == 0, (rc, err)
    assert not unsafe(out, "\n") and not unsafe(err, "\n"), (unsafe(out, "\n"), out[:300])
    assert "cust\\x1b[31m\\u202evsc.csv" in out, out[:300]


@case
def rules_list_and_show():
    pack = write("rp/evil.yaml", "- rule: x-t\n  title: \"evil \\e[31m \\u202e title\"\n  severity: low\n"
                 "  category: hardening\n  resource: AWS::S3::Bucket\n  condition: configuration.name exists\n"
                 "  description: \"d \\e]0;x\\a\"\n  remediation: r\n")
    for args in (["rules", "list", "--no-builtin", "-r", pack], ["rules", "show", "x-t", "-r", pack]):
        rc, out, err = run(args)
        assert rc == 0, (args, rc, err)
        assert not unsafe(out, "\n"), (args, unsafe(out, "\n"), out[:400])
        assert "evil \\x1b[31m \\u202e title" in out, (args, out[:400])


@case
def types_of_inputs():
    t = "AWS::S3::Bucket\x1b[2J\u202e"
    p = write("ty/snap.json", json.dumps({"fileVersion": "1.0", "configurationItems": [item("tb", rtype=t)]}))
    rc, out, err = run(["types", p])
    assert rc in (0, 2), (rc, err)
    assert not unsafe(out, "\n") and not unsafe(err, "\n"), (unsafe(out, "\n"), unsafe(err, "\n"))


for name, errmsg in results:
    print(("ok   " if errmsg is None else "FAIL ") + name + ("" if errmsg is None else ": " + errmsg[:3000]))
shutil.rmtree(TMP, ignore_errors=True)
bad = sum(1 for _, e in results if e)
print("%d passed, %d failed" % (len(results) - bad, bad))
sys.exit(1 if bad else 0)
