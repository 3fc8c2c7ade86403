#!/usr/bin/env python3
"""Regenerate the inputs of the golden case `iam-admin` (committed; the test reads the
JSON): customer managed policies (the default version counts, older versions do not)
and the inline policies of users, roles and groups, URL-encoded as AWS Config records
them. Each principal is named after its true verdict: admin-* (full administrator),
near-* (every action but a few, and no IAM action to take the rest), notadmin-*
(looks like an administrator, is not). Shapes: a configuration snapshot of 1.3 items
as AWS delivers it (one compact line), a history file of 1.2 items, and
get-resource-config-history API output (configuration as a JSON string).
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from awsitems import (iam_group, iam_policy, iam_role, iam_user, shape12, shape13, shape_api,  # noqa: E402
                      snapshot_file, history_file)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "iam-admin", "inputs")
A = "444455556666"


def doc(*st):
    return {"Version": "2012-10-17", "Statement": list(st)}


def S(effect, action=None, resource="*", not_action=None, not_resource=None, condition=None, sid=None):
    s = {"Effect": effect}
    if sid:
        s["Sid"] = sid
    if action is not None:
        s["Action"] = action
    if not_action is not None:
        s["NotAction"] = not_action
    if not_resource is not None:
        s["NotResource"] = not_resource
    elif resource is not None:
        s["Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


TRUST = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
# AWS's PowerUserAccess, as published (AWS Managed Policy Reference Guide)
POWER_USER = doc(
    S("Allow", not_action=["iam:*", "organizations:*", "account:*"]),
    S("Allow", ["account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions",
                "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                "organizations:DescribeOrganization"]))
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
NO_MFA = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}


def items():
    pol = lambda name, d, **kw: iam_policy(A, name, d, **kw)  # noqa: E731
    out = [
        # full administrators
        pol("admin-policy-star", doc(S("Allow", "*"))),
        pol("admin-policy-star-colon-star", doc(S("Allow", ["*:*"], ["*"]))),
        pol("admin-policy-arn-star", doc(S("Allow", "*", "arn:*"))),
        pol("admin-policy-under-mfa", doc(S("Allow", "*", condition=MFA, sid="AdminWithMfa"))),
        pol("admin-policy-notaction-few", doc(S("Allow", not_action=["s3:DeleteBucket", "s3:DeleteObject"]))),
        pol("admin-policy-deny-rewritable", doc(S("Allow", "*"), S("Deny", "s3:*", sid="NoS3"))),
        pol("admin-policy-deny-named-resource",
            doc(S("Allow", "*"), S("Deny", "s3:DeleteObject", "arn:aws:s3:::audit-trail/*", sid="KeepAudit"))),
        iam_user(A, "admin-user-split", inline=[("everything-but-iam", doc(S("Allow", not_action="iam:*"))),
                                                ("self-service", doc(S("Allow", ["iam:PutUserPolicy"])))]),
        iam_user(A, "admin-user-deny-without-mfa", inline=[
            ("admin", doc(S("Allow", "*"), S("Deny", "*", condition=NO_MFA, sid="RequireMfa")))]),
        iam_role(A, "admin-role-inline", TRUST, inline=[("bootstrap", doc(S("Allow", "*")))]),
        iam_group(A, "admin-group-notaction", inline=[
            ("ops", doc(S("Allow", not_action=["ec2:TerminateInstances", "rds:DeleteDBInstance"])))]),
        # near administrators
        pol("near-policy-poweruser-copy", POWER_USER),
        pol("near-policy-deny-iam", doc(S("Allow", "*"), S("Deny", ["iam:*", "organizations:*"], sid="NoIam"))),
        iam_user(A, "near-user-notaction-iam", inline=[("all-but-iam", doc(S("Allow", not_action=["iam:*"])))]),
        iam_role(A, "near-role-poweruser", TRUST, inline=[("power", POWER_USER)]),
        # look like administrators, are not
        pol("notadmin-policy-deny-star", doc(S("Allow", "*"), S("Deny", "*", sid="Frozen"))),
        pol("notadmin-policy-older-version-admin", doc(S("Allow", ["s3:GetObject"], "arn:aws:s3:::reports/*")),
            older=[doc(S("Allow", "*"))]),
        pol("notadmin-policy-s3-everything", doc(S("Allow", "*", "arn:aws:s3:::*"))),
        pol("notadmin-policy-named-services", doc(S("Allow", ["ec2:*", "s3:*", "rds:*", "iam:Get*", "iam:List*"]))),
        pol("notadmin-policy-read-everything", doc(S("Allow", ["*:Get*", "*:List*", "*:Describe*"]))),
        pol("notadmin-policy-deny-notresource",
            doc(S("Allow", "*"), S("Deny", "*", not_resource=["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]))),
        pol("notadmin-policy-deny-only", doc(S("Deny", "*"))),
        pol("notadmin-policy-allow-notresource-star", doc(S("Allow", "*", not_resource="*"))),
        iam_user(A, "notadmin-user-split-deny", inline=[("everything", doc(S("Allow", "*"))),
                                                         ("freeze", doc(S("Deny", "*", sid="Offboarded")))]),
        iam_group(A, "notadmin-group-deny-star", inline=[("all", doc(S("Allow", "*"), S("Deny", "*")))]),
    ]
    return out


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    its = items()
    # two thirds as a snapshot of 1.3 items (compact, one line), the rest as 1.2 history and API output
    snap = [shape13(i) for n, i in enumerate(its) if n % 3 != 2]
    hist = [shape12(i) for n, i in enumerate(its) if n % 6 == 2]
    api = [shape_api(i) for n, i in enumerate(its) if n % 6 == 5]
    with open(os.path.join(OUT, "snapshot.json"), "w") as f:
        json.dump(snapshot_file(snap), f, separators=(",", ":"))
    with open(os.path.join(OUT, "history.json"), "w") as f:
        json.dump(history_file(hist), f, indent=2)
        f.write("\n")
    with open(os.path.join(OUT, "api-output.json"), "w") as f:
        json.dump({"configurationItems": api}, f, indent=2)
        f.write("\n")
    print("%d items: %d snapshot, %d history, %d api" % (len(its), len(snap), len(hist), len(api)))


if __name__ == "__main__":
    main()
