#!/usr/bin/env bash
# Scan the bundled example estate (a small car dealer group's AWS Config snapshot)
# and explain what the findings mean. `make demo` calls this with the built binary.
#   usage: scripts/demo.sh [PATH/TO/cloudwarden]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/cloudwarden}
estate=$root/examples/estate
if [ ! -x "$bin" ]; then
  echo "demo: no cloudwarden binary at '$bin' (build first: make build)" >&2
  exit 2
fi
if [ ! -d "$estate" ]; then
  echo "demo: example estate not found at $estate" >&2
  exit 2
fi
echo "== cloudwarden scan --min-severity high examples/estate"
echo "   (Harbour City Motor Group: an AWS Config snapshot of 41 resources in two accounts)"
echo
"$bin" scan --format table --min-severity high "$estate"
rc=$?
if [ "$rc" -ge 2 ]; then
  echo "demo: the scan failed (exit status $rc)" >&2
  exit "$rc"
fi
cat <<'NOTE'

What you are looking at (examples/README.md explains every finding):
  * Genuinely exposed: the hcmg-crm-db MySQL instance (publicly accessible, security
    group open to 0.0.0.0/0 on 3306), the hcmg-crm-db-pre-migration-2026-10 snapshot
    (restorable by every AWS account) and the hcmg-dealer-exports bucket (public ACL,
    no Block Public Access anywhere). The website bucket is public on purpose and is
    suppressed by the built-in "public website content" exception (--show-suppressed).
  * Look exposed but are not, so there is no public-access finding for them:
    hcmg-marketing-assets (public ACL ignored by the account's IgnorePublicAcls),
    hcmg-service-manuals (Principal * pinned to a VPC endpoint), hcmg-finance-archive
    (Allow * cut back by Deny outside the organisation) and hcmg-reporting-db (open
    security group, but not publicly accessible).
  * The medium and low findings are hardening, encryption, logging and
    identity advice: drop --min-severity to see them all.
Try: cloudwarden scan examples/estate --format json | sarif | ocsf, --fail-on critical.
NOTE
exit 0
