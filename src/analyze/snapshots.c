/* snapshots.c - who can restore a database snapshot.
 *
 * RDS DB snapshots and DB cluster snapshots are shared through the "restore"
 * attribute (ModifyDBSnapshotAttribute): its values are AWS account ids, or
 * "all" which makes a manual snapshot public (any AWS account can copy and
 * restore it). AWS Config records the attributes in supplementaryConfiguration
 * as DBSnapshotAttributes / DBClusterSnapshotAttributes: a list of
 * {attributeName, attributeValues}, sometimes wrapped in a
 * DB(Cluster)SnapshotAttributesResult object. Redshift cluster snapshots are
 * shared with accounts (accountsWithRestoreAccess) and cannot be public.
 *
 * EBS snapshots and AMIs are not AWS Config types: collectors write them in
 * the AWS Config envelope with the EC2 API's field names (DescribeSnapshots /
 * DescribeImages as configuration; DescribeSnapshotAttribute's
 * CreateVolumePermissions and DescribeImageAttribute's LaunchPermissions in
 * supplementaryConfiguration, or in configuration). A permission
 * {"Group": "all"} makes the snapshot (any account can create a volume from
 * it) or the image (any account can launch it) public; {"UserId": ...} shares
 * it with that account; DescribeImages' "Public": true says the same for an
 * image. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"

static const cw_json *attr_list(cw_assets *s, const cw_json *supp, const cw_json *conf)
{
    static const char *const names[] = {"DBSnapshotAttributes", "DBClusterSnapshotAttributes",
                                        "DBSnapshotAttributesResult", "DBClusterSnapshotAttributesResult"};
    for (int pass = 0; pass < 2; pass++) {
        const cw_json *root = pass ? conf : supp;
        for (size_t i = 0; i < 4; i++) {
            const cw_json *v = cw_json_doc(&s->arena, cw_json_get_ci(root, names[i]), NULL);
            if (!v) continue;
            if (v->type == CW_JARR) return v;
            if (v->type == CW_JOBJ) {
                for (size_t k = 0; k < 2; k++) {
                    const cw_json *in = cw_json_get_ci(v, names[k]);
                    if (in && in->type == CW_JARR) return in;
                }
            }
        }
    }
    return NULL;
}

static void add_value(cw_assets *s, const cw_json *v, bool *pub, cw_strlist *acc, const char *owner)
{
    if (!v) return;
    if (v->type == CW_JARR) {
        for (uint32_t i = 0; i < v->len; i++) add_value(s, &v->u.items[i], pub, acc, owner);
        return;
    }
    const char *str = cw_json_str(v, NULL);
    char buf[32];
    if (!str && v->type == CW_JNUM && v->is_int) {
        snprintf(buf, sizeof buf, "%012lld", (long long)v->u.num);
        str = cw_arena_strdup(&s->arena, buf);
    }
    if (!str || !*str) return;
    if (strcasecmp(str, "all") == 0) *pub = true;
    else if (!owner || strcmp(owner, str) != 0) cw_strlist_add_unique(acc, str);
}

static void rds_snapshot(cw_assets *s, cw_asset *a)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *conf = cw_conf(a), *supp = cw_supp(a);
    const cw_json *attrs = attr_list(s, supp, conf);
    bool pub = false, recorded = attrs != NULL;
    cw_strlist acc = {0};
    for (uint32_t i = 0; attrs && attrs->type == CW_JARR && i < attrs->len; i++) {
        const cw_json *e = &attrs->u.items[i];
        const char *name = cw_json_str(cw_json_get_ci(e, "attributeName"), "");
        if (strcasecmp(name, "restore") != 0) continue;
        add_value(s, cw_json_get_ci(e, "attributeValues"), &pub, &acc, a->account);
    }
    bool enc = cw_is_true(cw_json_get_ci(conf, "encrypted")) || cw_is_true(cw_json_get_ci(conf, "storageEncrypted"));
    const char *type = cw_json_str(cw_json_get_ci(conf, "snapshotType"), "");
    cw_fs_bool(&fs, "snapshot.public", pub);
    cw_fs_strs(&fs, "snapshot.shared_accounts", acc.v, acc.n);
    cw_fs_bool(&fs, "snapshot.encrypted", enc);
    const char *why;
    if (pub)
        why = enc ? "public: the restore attribute includes \"all\", so any AWS account can see it (copying or "
                    "restoring it also needs access to its KMS key)"
                  : "public: the restore attribute includes \"all\", so any AWS account can copy and restore it";
    else if (acc.n)
        why = cw_arena_printf(&s->arena, "not public; shared with %zu other account%s", acc.n, acc.n > 1 ? "s" : "");
    else if (!recorded)
        why = strcasecmp(type, "automated") == 0 ? "not public: automated snapshots cannot be shared"
                                                 : "not public as far as recorded: the snapshot attributes are not "
                                                   "in the configuration item";
    else
        why = "not public: the restore attribute names no account";
    cw_fs_str(&fs, "snapshot.reason", why);
    cw_fs_commit(&fs);
    cw_strlist_free(&acc);
}

static void redshift_snapshot(cw_assets *s, cw_asset *a)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *conf = cw_conf(a);
    cw_strlist acc = {0};
    const cw_json *l = cw_json_get_ci(conf, "accountsWithRestoreAccess");
    for (uint32_t i = 0; l && l->type == CW_JARR && i < l->len; i++) {
        const cw_json *e = &l->u.items[i];
        const char *id = e->type == CW_JSTR ? e->u.str : cw_json_str(cw_json_get_ci(e, "accountId"), NULL);
        if (id && *id && (!a->account || strcmp(id, a->account) != 0)) cw_strlist_add_unique(&acc, id);
    }
    cw_fs_bool(&fs, "snapshot.public", false);
    cw_fs_strs(&fs, "snapshot.shared_accounts", acc.v, acc.n);
    cw_fs_bool(&fs, "snapshot.encrypted", cw_is_true(cw_json_get_ci(conf, "encrypted")));
    cw_fs_str(&fs, "snapshot.reason",
                acc.n ? cw_arena_printf(&s->arena, "not public (Redshift snapshots cannot be); shared with %zu other "
                                                   "account%s", acc.n, acc.n > 1 ? "s" : "")
                      : "not public: Redshift snapshots cannot be public and this one is shared with no account");
    cw_fs_commit(&fs);
    cw_strlist_free(&acc);
}

/* CreateVolumePermissions / LaunchPermissions: [{"Group": "all"}, {"UserId": "..."},
 * {"OrganizationArn": ...}, {"OrganizationalUnitArn": ...}], possibly wrapped in
 * the attribute call's response object */
static const cw_json *perm_list(cw_arena *a, const cw_asset *as, const char *name)
{
    const cw_json *roots[2] = {cw_supp(as), cw_conf(as)};
    for (int r = 0; r < 2; r++) {
        const cw_json *v = cw_json_doc(a, cw_json_get_ci(roots[r], name), NULL);
        if (v && v->type == CW_JOBJ) v = cw_json_get_ci(v, name);
        if (v && v->type == CW_JARR) return v;
    }
    return NULL;
}

static void ec2_shared(cw_assets *s, cw_asset *a, bool image)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *conf = cw_conf(a);
    const cw_json *perms = perm_list(&s->arena, a, image ? "LaunchPermissions" : "CreateVolumePermissions");
    bool pub = image && cw_is_true(cw_json_get_ci(conf, "Public"));
    bool attr_pub = false;
    cw_strlist acc = {0};
    for (uint32_t i = 0; perms && i < perms->len; i++) {
        const cw_json *e = &perms->u.items[i];
        const char *g = cw_json_str(cw_json_get_ci(e, "Group"), NULL);
        if (g && strcasecmp(g, "all") == 0) attr_pub = true;
        const char *u = cw_json_str(cw_json_get_ci(e, "UserId"), NULL);
        if (!u) u = cw_json_str(cw_json_get_ci(e, "OrganizationArn"), NULL);
        if (!u) u = cw_json_str(cw_json_get_ci(e, "OrganizationalUnitArn"), NULL);
        if (u && *u && (!a->account || strcmp(u, a->account) != 0)) cw_strlist_add_unique(&acc, u);
    }
    pub |= attr_pub;
    bool enc = cw_is_true(cw_json_get_ci(conf, "Encrypted"));
    const char *what = image ? "image" : "snapshot";
    const char *why;
    if (pub)
        why = image ? (attr_pub ? "public: the launch permissions include the group \"all\", so any AWS account can "
                                  "launch the image and read its disks"
                                : "public: DescribeImages reports the image as Public: any AWS account can launch it "
                                  "and read its disks")
              : enc ? "public: the create-volume permissions include the group \"all\" (any AWS account can see "
                      "it; creating a volume also needs access to its KMS key)"
                    : "public: the create-volume permissions include the group \"all\", so any AWS account can "
                      "create a volume from it and read the disk";
    else if (acc.n)
        why = cw_arena_printf(&s->arena, "not public; shared with %zu other account%s or organization%s", acc.n,
                              acc.n > 1 ? "s" : "", acc.n > 1 ? "s" : "");
    else if (!perms && !cw_json_get_ci(conf, "Public"))
        why = cw_arena_printf(&s->arena, "not public as far as recorded: the %s's %s are not in the item", what,
                              image ? "launch permissions" : "create-volume permissions");
    else
        why = cw_arena_printf(&s->arena, "not public: the %s is shared with no other account", what);
    cw_fs_bool(&fs, image ? "image.public" : "snapshot.public", pub);
    cw_fs_strs(&fs, image ? "image.shared_accounts" : "snapshot.shared_accounts", acc.v, acc.n);
    if (!image) cw_fs_bool(&fs, "snapshot.encrypted", enc);
    cw_fs_str(&fs, image ? "image.reason" : "snapshot.reason", why);
    cw_fs_commit(&fs);
    cw_strlist_free(&acc);
}

void cw_an_snapshots(cw_assets *s)
{
    const cw_asset_list *ebs = cw_assets_of_type(s, "AWS::EC2::Snapshot");
    for (size_t i = 0; i < ebs->n; i++)
        if (cw_an_target(s, ebs->v[i])) ec2_shared(s, ebs->v[i], false);
    const cw_asset_list *ami = cw_assets_of_type(s, "AWS::EC2::Image");
    for (size_t i = 0; i < ami->n; i++)
        if (cw_an_target(s, ami->v[i])) ec2_shared(s, ami->v[i], true);
    static const char *const rds[] = {"AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"};
    for (size_t k = 0; k < 2; k++) {
        const cw_asset_list *l = cw_assets_of_type(s, rds[k]);
        for (size_t i = 0; i < l->n; i++)
            if (cw_an_target(s, l->v[i])) rds_snapshot(s, l->v[i]);
    }
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::Redshift::ClusterSnapshot");
    for (size_t i = 0; i < l->n; i++)
        if (cw_an_target(s, l->v[i])) redshift_snapshot(s, l->v[i]);
}
