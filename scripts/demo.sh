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
echo "== cloudwarden scan examples/estate   (Harbour City Motor Group, AWS Config snapshot)"
echo
"$bin" scan --format table "$estate"
rc=$?
if [ "$rc" -ge 2 ]; then
  echo "demo: the scan failed (exit status $rc)" >&2
  exit "$rc"
fi
cat <<'NOTE'

What you are looking at (examples/README.md explains every finding):
  * Genuinely exposed: the hcmg-dealer-exports bucket (public ACL, no Block Public
    Access anywhere), the hcmg-crm-db MySQL instance (publicly accessible, security
    group open to 0.0.0.0/0 on 3306) and the hcmg-crm-db-pre-migration-2026-10
    snapshot (restorable by every AWS account). The marketing website bucket is
    public on purpose; a rule exception in your own pack would record that.
  * Look exposed but are not, so there is no public-access finding for them:
    hcmg-marketing-assets (public ACL ignored by the account's IgnorePublicAcls),
    hcmg-service-manuals (Principal * pinned to a VPC endpoint), hcmg-finance-archive
    (Allow * cut back by Deny outside the organisation) and hcmg-reporting-db (open
    security group, but not publicly accessible).
  * Everything else is hardening, encryption, logging and identity advice.
Try: --format json | sarif | ocsf, --min-severity high, --fail-on critical.
NOTE
exit 0
