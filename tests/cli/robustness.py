#!/usr/bin/env python3
"""Robustness tests of `cloudwarden scan` on bad input: every case must end with
a clear message naming the place and exit code 2 -- never a crash, never a hang.

usage: robustness.py BINARY [CASE...]
"""
import gzip
import os
import re
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
ONLY = set(sys.argv[2:])
SANITIZED = os.environ.get("CW_SANITIZED") == "1"
TMP = tempfile.mkdtemp(prefix="cw-robust-")
results = []

ITEM = ('{"configurationItemVersion":"1.3","awsAccountId":"111122223333","configurationItemStatus":"OK",'
        '"configurationItemCaptureTime":"2024-01-01T00:00:00.000Z","resourceType":"AWS::S3::Bucket",'
        '"resourceId":"%s","ARN":"arn:aws:s3:::%s","awsRegion":"us-east-1","tags":{},"relationships":[],'
        '"configuration":{"name":"%s"},"supplementaryConfiguration":{}}')


def item(name):
    return ITEM % (name, name, name)


def write(name, data, mode="w"):
    p = os.path.join(TMP, name)
    with open(p, mode) as f:
        f.write(data)
    return p


def run(args, timeout=120):
    try:
        p = subprocess.run([BIN] + args, capture_output=True, timeout=timeout)
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


def expect(rc, err, code, pattern, where=None):
    assert rc is not None, "hung (timeout)"
    assert rc >= 0, "crashed with signal %d: %s" % (-rc, err[-2000:])
    assert rc == code, "exit %s, expected %s; stderr: %s" % (rc, code, err[-2000:])
    assert re.search(pattern, err, re.S), "stderr lacks /%s/: %s" % (pattern, err[-2000:])
    if where:
        assert re.search(re.escape(where[0]) + r":%d:%d:" % where[1:], err), \
            "error not located at %s:%d:%d: %s" % (where + (err[-2000:],))
    assert "Sanitizer" not in err and "runtime error" not in err, err[-3000:]


@case("truncated")
def _():
    p = write("trunc.json", '{"configurationItems": [\n  ' + item("a") + ',\n  {"resourceType": "AWS::S3::Bu')
    rc, out, err = run(["scan", "-q", "--format", "json", p])
    expect(rc, err, 2, r"end of input|unterminated|truncat", None)
    assert re.search(re.escape(p) + r":3:\d+:", err), err
    # what was accepted before the error is still reported
    assert '"arn:aws:s3:::a"' in out or rc == 2, out


@case("malformed-missing-comma")
def _():
    p = write("comma.json", '{"configurationItems": [\n' + item("a") + '\n' + item("b") + "\n]}\n")
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"expected", (p, 3, 1))


@case("raw-newline-in-string")
def _():
    p = write("nl.json", '{"resourceType": "AWS::S3::Bucket",\n "resourceId": "a\nb"}\n')
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"control character|newline", (p, 2, 18))


@case("valid-json-not-inventory")
def _():
    p = write("package.json", '{\n  "name": "left-pad",\n  "version": "1.3.0"\n}\n')
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"not a recognised inventory", (p, 1, 1))


@case("wrong-field-types")
def _():
    p = write("types.json", '{"configurationItems": [\n' + item("ok") + ',\n'
              '{"resourceType": ["AWS::S3::Bucket"], "resourceId": "x", "configurationItemCaptureTime": "t"},\n'
              '{"resourceType": "AWS::S3::Bucket", "resourceId": "y", "relationships": "none", "configuration": {}},\n'
              '42\n]}\n')
    rc, out, err = run(["scan", "-q", "--format", "json", p])
    expect(rc, err, 2, r"resourceType.*must be", (p, 3, 1))
    assert re.search(r"record 3:.*relationships", err), err
    assert re.search(r"record 4:", err), err


@case("deeply-nested")
def _():
    p = write("deep.json", "[" * 200000 + "]" * 200000)
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"deep|nest|depth", None)
    assert re.search(re.escape(p) + r":1:\d+:", err), err


@case("empty-file")
def _():
    p = write("empty.json", "")
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"empty", None)


@case("binary-garbage")
def _():
    p = write("garbage.json", bytes(range(256)) * 64, "wb")
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"error", None)
    assert re.search(re.escape(p) + r":\d+:\d+:", err), err


@case("missing-file")
def _():
    rc, out, err = run(["scan", "-q", os.path.join(TMP, "nope.json")])
    expect(rc, err, 2, r"nope\.json.*(No such file|cannot)", None)


@case("unknown-option")
def _():
    rc, out, err = run(["scan", "--frobnicate", "x.json"])
    expect(rc, err, 2, r"frobnicate", None)
    rc, out, err = run(["scan", "--format", "xml", "x.json"])
    expect(rc, err, 2, r"unknown format 'xml'", None)
    rc, out, err = run(["nosuchcommand"])
    expect(rc, err, 2, r"not a cloudwarden command", None)


@case("gzip-bomb")
def _():
    # 512 MiB of whitespace inside an array compresses ~1000:1; the reader must stop at its limit
    p = os.path.join(TMP, "bomb.json.gz")
    with gzip.open(p, "wb", compresslevel=9) as g:
        g.write(b"[")
        chunk = b" " * (1 << 20)
        for _ in range(512):
            g.write(chunk)
        g.write(b"]")
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"ratio|bomb|decompress", None)


@case("gzip-truncated")
def _():
    full = gzip.compress(("{\"configurationItems\": [" + item("a") + "]}").encode())
    p = write("cut.json.gz", full[: len(full) // 2], "wb")
    rc, out, err = run(["scan", "-q", p])
    expect(rc, err, 2, r"gzip|end of input|truncat|corrupt", None)


@case("multi-file-keeps-good")
def _():
    good = write("good.json", '{"configurationItems": [' + item("good-bucket") + "]}")
    bad = write("bad.json", '{"configurationItems": [' + item("x")[:-5])
    rc, out, err = run(["scan", "-q", "--format", "json", bad, good])
    expect(rc, err, 2, r"bad\.json:\d+:\d+:", None)
    assert "arn:aws:s3:::good-bucket" in out or '"findings"' in out, out[:500]


@case("one-gigabyte-single-line")
def _():
    if SANITIZED or os.environ.get("CW_SKIP_BIG") == "1":
        return
    # ~1 GB snapshot on ONE line: streaming must handle it with bounded memory
    p = os.path.join(TMP, "big.json")
    target = 1 << 30
    pad = "d" * 16000
    with open(p, "wb") as f:
        f.write(b'{"fileVersion":"1.0","configurationItems":[')
        n, written = 0, 0
        while written < target:
            s = (ITEM % (("b%07d" % n,) * 3)).replace('"tags":{}', '"tags":{"note":"%s"}' % pad).encode()
            f.write(s + b",")
            written += len(s) + 1
            n += 1
        f.write(item("last").encode() + b"]}")
    t = tempfile.NamedTemporaryFile(delete=False)
    try:
        # one rule that never fires: the memory measured is the reader's and the model's
        pack = write("never.yaml", "- rule: never\n  title: t\n  resource: AWS::S3::Bucket\n  severity: low\n"
                     "  category: other\n  condition: resource.name = \"no-such-bucket\"\n  description: d\n"
                     "  remediation: r\n")
        p2 = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name, BIN, "scan", "-q", "--no-builtin", "-r", pack,
                             "--format", "json", "-o", os.devnull, p], capture_output=True, timeout=600)
        rss_kb = int(open(t.name).read().split()[-1])
    finally:
        os.unlink(t.name)
        os.unlink(p)
    assert p2.returncode == 0, p2.stderr.decode()[-2000:]
    # memory: the assets kept (~the input) plus bounded reader buffers
    assert rss_kb * 1024 < 1.5 * target, "peak RSS %d MiB" % (rss_kb // 1024)
    print("  1 GB single line: peak RSS %d MiB" % (rss_kb // 1024))


@case("huge-single-string")
def _():
    if SANITIZED or os.environ.get("CW_SKIP_BIG") == "1":
        return
    p = os.path.join(TMP, "str.json")
    with open(p, "wb") as f:
        f.write(b'{"resourceType": "AWS::S3::Bucket", "resourceId": "')
        chunk = b"x" * (1 << 20)
        for _ in range(300):
            f.write(chunk)
        f.write(b'"}')
    rc, out, err = run(["scan", "-q", p])
    os.unlink(p)
    expect(rc, err, 2, r"too large|exceeds|limit", None)


@case("output-unwritable")
def _():
    # a findings file that cannot be written fails before the scan, naming the path
    p = write("one.json", item("a"))
    bad = os.path.join(TMP, "no-such-dir", "out.json")
    rc, out, err = run(["scan", "-q", "--format", "json", "-o", bad, p])
    expect(rc, err, 2, re.escape(bad), None)
    rc, out, err = run(["scan", "-q", "--format", "json", "-o", TMP, p])  # a directory
    expect(rc, err, 2, r"--output: cannot write", None)


@case("output-replaces")
def _():
    # an existing, longer findings file is replaced, not overwritten in place
    p = write("one.json", item("a"))
    o = write("findings.json", "x" * 100000)
    rc, out, err = run(["scan", "-q", "--format", "json", "-o", o, p])
    assert rc == 0, err
    with open(o) as f:
        doc = f.read()
    assert doc.rstrip().endswith("}") and "x" * 10 not in doc, doc[-200:]
    # the findings file may also be the input: it is read before it is replaced
    q = write("inout.json", item("b"))
    rc, out, err = run(["scan", "-q", "--format", "json", "-o", q, q])
    assert rc == 0, err
    with open(q) as f:
        assert '"arn:aws:s3:::b"' in f.read()


for name, errmsg in results:
    print(("ok   " if errmsg is None else "FAIL ") + name + ("" if errmsg is None else ": " + errmsg[:3000]))
subprocess.run(["rm", "-rf", TMP])
bad = sum(1 for _, e in results if e)
print("%d passed, %d failed" % (len(results) - bad, bad))
sys.exit(1 if bad else 0)
