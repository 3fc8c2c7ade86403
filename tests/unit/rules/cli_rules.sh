#!/bin/sh
# cli_rules.sh CLOUDWARDEN SOURCE_ROOT - end-to-end checks of `cloudwarden rules`.
set -u
cw=$1
root=$2
fx=$root/tests/unit/rules/fixtures
corpus=$root/tests/fuzz/corpus/rules_yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name, expected rc, actual rc, file, pattern...
    name=$1 want=$2 got=$3 file=$4
    shift 4
    if [ "$got" != "$want" ]; then echo "FAIL $name: exit $got, want $want"; cat "$file"; fail=1; return; fi
    for pat in "$@"; do
        if ! grep -qF -- "$pat" "$file"; then echo "FAIL $name: missing '$pat'"; cat "$file"; fail=1; return; fi
    done
    echo "ok   $name"
}
P="--no-builtin --rules $fx/pack.yaml --rules $root/rules/base.yaml"

"$cw" rules test $P "$fx/pass" >"$tmp/o" 2>&1
check "fixtures that must pass" 0 $? "$tmp/o" "7 passed, 0 failed"

"$cw" rules test $P "$fx/fail" >"$tmp/o" 2>&1
check "fixtures that must fail" 1 $? "$tmp/o" "0 passed, 3 failed" \
    "FAIL $fx/fail/wrong.yaml:2: expects a finding that does not happen" \
    "expected the rule to fire, it did not" "no finding's evidence contains \"no such text\"" \
    "wrong.yaml:30:3: error: unknown key 'itemz' in a fixture; did you mean 'items'?" \
    "wrong.yaml:29:9: error: no rule 'fx-no-such-rule'"

"$cw" rules check --no-builtin --rules "$corpus/errors.yaml" >"$tmp/o" 2>&1
check "pack errors: all of them, with positions" 2 $? "$tmp/o" \
    "errors.yaml:2:3: error: unknown key 'titel' in a rule; did you mean 'title'?" \
    "errors.yaml:3:13: error: unknown severity 'urgent'" "errors.yaml:10:14: error: macro cycle: a -> b -> a" \
    "errors.yaml:6:33: error: expected a value" "rule packs have 6 errors"

R="--no-builtin --rules $corpus/rules.yaml --rules $corpus/retune.yaml --rules $root/rules/base.yaml"
"$cw" rules list $R >"$tmp/o" 2>&1
check "list" 0 $? "$tmp/o" "sg-admin-open  critical  hardening" "Public (disabled)" "2 rules, 1 enabled"

"$cw" rules list --format json $R >"$tmp/o" 2>&1
check "list json" 0 $? "$tmp/o" '"id":"sg-admin-open"' '"enabled":false'
python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))) == 2' "$tmp/o" || { echo "FAIL list json: not valid JSON"; fail=1; }

"$cw" rules show sg-admin-open $R >"$tmp/o" 2>&1
check "show" 0 $? "$tmp/o" "retuned in:  $corpus/retune.yaml:1" "net.open_to_internet(p)" "until 2030-01-01"

"$cw" rules show sg-admin $R >"$tmp/o" 2>&1
check "show unknown id" 2 $? "$tmp/o" "did you mean 'sg-admin-open'?"

"$cw" rules doc $R >"$tmp/o" 2>&1
check "doc markdown" 0 $? "$tmp/o" "# cloudwarden rule handbook" "## Hardening" "### Admin port open" \
    "**What to do.**" "## Facts" "| \`s3.public.read\` | bool |"

"$cw" rules doc --format html --output "$tmp/h.html" $R >"$tmp/o" 2>&1
check "doc html" 0 $? "$tmp/h.html" "<h2 id=\"cat-hardening\">Hardening</h2>" "</html>"

"$cw" rules doc $R >/dev/full 2>"$tmp/o"
check "doc to a full disk" 3 $? "$tmp/o" "cannot write"

"$cw" rules frobnicate >"$tmp/o" 2>&1
check "unknown subcommand" 2 $? "$tmp/o" "unknown subcommand 'frobnicate'"

exit $fail
