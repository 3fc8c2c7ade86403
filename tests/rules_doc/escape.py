#!/usr/bin/env python3
"""`rules doc` handbooks treat rule packs as untrusted text (issue 9 item 10):
HTML from a rule (titles, descriptions, remediation, code lines, references,
the pack's file name) is shown as text in both the HTML and the Markdown
handbook, and only http(s) references become links. The Markdown is rendered
with cmark-gfm --unsafe (raw HTML passed through, as many viewers do) and the
resulting HTML checked like the HTML handbook: only the handbook's own tags,
no event attributes, every href http(s) or a '#' anchor, and the hostile text
still readable as text. The built-in packs' handbooks are checked the same way.

usage: escape.py BINARY
"""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="cw-rulesdoc-")
CMARK = shutil.which("cmark-gfm") or shutil.which("cmark")

PACK = r'''
- rule: t.evil
  title: "Evil <script>alert(1)</script> [t](javascript:alert(11))"
  resource: AWS::S3::Bucket
  severity: low
  category: hardening
  condition: configuration.name != ""
  evidence: "x"
  description: |
    Plain <script>alert(2)</script> and [x](javascript:alert(3)) and ![i](javascript:alert(6))
    <img src=x onerror=alert(5)> &lt;b&gt; \<i> `code <b>` unclosed ` tick ``two``
    <https://autolink.example/> <javascript:alert(9)>
  remediation: |
    Run this:

      ```
      </pre><script>alert(7)</script>
      ~~~
    then <iframe src="javascript:alert(10)"></iframe>
  references:
    - javascript:alert(4)
    - JAVASCRIPT:alert(8)
    - "data:text/html,<script>alert(12)</script>"
    - //evil.example/x
    - "https://ok.example/a b?c=<d>&e=\"f\""
    - http://plain.example/
'''
pdir = os.path.join(TMP, "pk<i>dir")
os.makedirs(pdir)
pack = os.path.join(pdir, "pack<b>.yaml")
with open(pack, "w") as f:
    f.write(PACK)

ALLOWED = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "ul", "ol",
           "li", "a", "code", "span", "section", "table", "thead", "tbody", "tr", "th", "td", "pre",
           "br", "b", "strong", "em", "hr", "blockquote"}


class Check(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad, self.text, self.hrefs = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.bad.append("tag <%s %s>" % (tag, attrs))
        for k, v in attrs:
            if k.startswith("on") or k in ("src", "style", "srcdoc"):
                self.bad.append("attribute %s=%r on <%s>" % (k, v, tag))
            if k == "href":
                self.hrefs.append(v)
                if not (v.startswith("https://") or v.startswith("http://") or v.startswith("#")):
                    self.bad.append("href %r" % v)

    def handle_comment(self, data):
        self.bad.append("comment %r" % data)

    def handle_data(self, d):
        self.text.append(d)


def check_html(doc, label, hostile):
    c = Check()
    c.feed(doc)
    c.close()
    problems = ["%s: %s" % (label, b) for b in c.bad]
    text = " ".join("".join(c.text).split())
    if hostile:
        for want in ["Evil <script>alert(1)</script>", "Plain <script>alert(2)</script>",
                     "[x](javascript:alert(3))", "<img src=x onerror=alert(5)>",
                     "</pre><script>alert(7)</script>", "javascript:alert(4)", "JAVASCRIPT:alert(8)",
                     "pack<b>.yaml"]:
            if want not in text:
                problems.append("%s: text %r not shown as text" % (label, want))
        for want in ["https://ok.example/a%20b?c=%3Cd%3E&e=%22f%22", "http://plain.example/"]:
            if want not in c.hrefs:
                problems.append("%s: link %r missing (hrefs %s)" % (label, want, c.hrefs))
    return problems


def doc(fmt, args):
    p = subprocess.run([BIN, "rules", "doc", "--format", fmt] + args, capture_output=True, timeout=60)
    assert p.returncode == 0, (fmt, p.returncode, p.stderr.decode()[-1000:])
    return p.stdout.decode()


def render_md(md):
    p = subprocess.run([CMARK, "--unsafe", "-e", "table", "-e", "autolink"], input=md.encode(),
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode()


problems, checked = [], 0
for label, args, hostile in [("hostile pack", ["--no-builtin", "-r", pack], True),
                             ("built-in packs", [], False)]:
    h = doc("html", args)
    problems += check_html(h, label + " html", hostile)
    checked += 1
    md = doc("markdown", args)
    if CMARK:
        problems += check_html(render_md(md), label + " markdown", hostile)
        checked += 1
    elif hostile:
        for bad in ["<script", "<img", "<iframe", "](javascript", "<javascript"]:
            if bad in md:
                problems.append("%s markdown: raw %r" % (label, bad))
    if not hostile:
        # the escaping leaves the built-in handbook's code spans and tables intact
        want = "<code>" if CMARK else "`"
        if (render_md(md) if CMARK else md).count(want) < 50:
            problems.append("built-in markdown: code spans lost")
for p in problems:
    print("FAIL " + p)
print("%d handbooks checked%s; %d problems" % (checked, "" if CMARK else " (no cmark-gfm: raw Markdown checked)",
                                              len(problems)))
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(1 if problems else 0)
