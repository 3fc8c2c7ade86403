/* Unit tests of address sets and internet reachability (src/analyze/ipset.c,
 * netreach.c, netreach_res.c): CIDR parsing, unions over the 32- and 128-bit
 * spaces, security-group permissions, and resources behind groups. */
#include "an_test.h"
#include "analyze/ipset.h"
#include "analyze/netreach.h"

static cw_assets S;

static int setup(void **st)
{
    (void)st;
    cw_assets_init(&S);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    cw_assets_free(&S);
    return 0;
}

static cw_json *J(const char *text)
{
    char *t = cw_arena_strdup(&S.arena, text);
    for (char *p = t; *p; p++)
        if (*p == '\'') *p = '"';
    cw_json_err err;
    cw_json *j = cw_json_parse(&S.arena, t, strlen(t), &err);
    assert_non_null(j);
    return j;
}

/* ---- addresses ------------------------------------------------------------------- */
static void test_cidr_parse(void **st)
{
    (void)st;
    int fam;
    cw_u128 lo, hi;
    assert_int_equal(cw_ip_parse_cidr("10.1.2.3/8", &fam, &lo, &hi), 0);
    assert_int_equal(fam, 4);
    assert_true(lo == 0x0a000000u && hi == 0x0affffffu);
    assert_int_equal(cw_ip_parse_cidr("192.168.1.1", &fam, &lo, &hi), 0);
    assert_true(lo == hi);
    assert_int_equal(cw_ip_parse_cidr("::/0", &fam, &lo, &hi), 0);
    assert_int_equal(fam, 6);
    assert_true(lo == 0 && hi == ~(cw_u128)0);
    assert_int_equal(cw_ip_parse_cidr("2001:db8::1/128", &fam, &lo, &hi), 0);
    assert_true(lo == hi && (uint64_t)(lo >> 96) == 0x20010db8u && (uint64_t)lo == 1);
    assert_int_equal(cw_ip_parse_cidr("::ffff:10.0.0.1", &fam, &lo, &hi), 0);
    assert_true((uint32_t)lo == 0x0a000001u);
    assert_int_equal(cw_ip_parse_cidr("1.2.3.4/33", &fam, &lo, &hi), -1);
    assert_int_equal(cw_ip_parse_cidr("256.1.1.1", &fam, &lo, &hi), -1);
    assert_int_equal(cw_ip_parse_cidr("1.2.3", &fam, &lo, &hi), -1);
    assert_int_equal(cw_ip_parse_cidr("1:2:3:4:5:6:7:8:9", &fam, &lo, &hi), -1);
    assert_int_equal(cw_ip_parse_cidr("1::2::3", &fam, &lo, &hi), -1);
    assert_int_equal(cw_ip_parse_cidr("sg-12345", &fam, &lo, &hi), -1);
    assert_int_equal(cw_ip_parse_cidr("", &fam, &lo, &hi), -1);
    char buf[64];
    assert_string_equal(cw_ip_format(6, lo, buf, sizeof buf), "::ffff:a00:1");
}

static void test_cidr_contains(void **st)
{
    (void)st;
    assert_int_equal(cw_cidr_contains("10.0.0.0/8", "10.1.0.0/16"), 1);
    assert_int_equal(cw_cidr_contains("10.1.0.0/16", "10.0.0.0/8"), 0);
    assert_int_equal(cw_cidr_contains("0.0.0.0/0", "203.0.113.7"), 1);
    assert_int_equal(cw_cidr_contains("::/0", "10.0.0.0/8"), 0); /* other family */
    assert_int_equal(cw_cidr_contains("2001:db8::/32", "2001:db8:ffff::/48"), 1);
    assert_int_equal(cw_cidr_contains("nonsense", "10.0.0.0/8"), -1);
}

static bool covers(int fam, const char *const *cidrs)
{
    cw_ipset s;
    cw_ipset_init(&s, fam);
    for (; *cidrs; cidrs++) {
        int f;
        cw_u128 lo, hi;
        assert_int_equal(cw_ip_parse_cidr(*cidrs, &f, &lo, &hi), 0);
        cw_ipset_add(&s, lo, hi);
    }
    cw_ipset_normalize(&s);
    bool r = cw_ipset_covers_public(&s);
    cw_ipset_free(&s);
    return r;
}

static void test_internet_coverage(void **st)
{
    (void)st;
    assert_true(covers(4, (const char *[]){"0.0.0.0/0", NULL}));
    assert_true(covers(4, (const char *[]){"128.0.0.0/1", "0.0.0.0/1", NULL}));
    /* every public address, private ranges left out */
    assert_true(covers(4, (const char *[]){"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4",
                                            "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1", NULL}));
    assert_false(covers(4, (const char *[]){"0.0.0.0/1", NULL}));
    assert_false(covers(4, (const char *[]){"0.0.0.0/1", "128.0.0.0/2", "224.0.0.0/3", NULL})); /* 192/3 missing */
    assert_false(covers(4, (const char *[]){"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", NULL}));
    assert_true(covers(6, (const char *[]){"::/0", NULL}));
    assert_true(covers(6, (const char *[]){"2000::/3", NULL}));
    assert_true(covers(6, (const char *[]){"2000::/4", "3000::/4", NULL}));
    assert_false(covers(6, (const char *[]){"2000::/4", NULL}));
    assert_false(covers(6, (const char *[]){"fc00::/7", "fe80::/10", NULL}));
    assert_true(cw_ip_is_public(4, 0x08080808u));
    assert_false(cw_ip_is_public(4, 0xc0a80001u));
}

/* ---- permissions ----------------------------------------------------------------------- */
static void test_perm_helpers(void **st)
{
    (void)st;
    assert_true(cw_net_perm_open_to_internet(J("{'ipProtocol':'tcp','fromPort':22,'toPort':22,'ipRanges':['0.0.0.0/0']}")));
    assert_true(cw_net_perm_open_to_internet(J("{'ipProtocol':'-1','ipv6Ranges':[{'cidrIpv6':'::/0'}]}")));
    assert_true(cw_net_perm_open_to_internet(
        J("{'ipProtocol':'tcp','fromPort':0,'toPort':65535,'ipv4Ranges':[{'cidrIp':'0.0.0.0/1'},{'cidrIp':'128.0.0.0/1'}]}")));
    assert_false(cw_net_perm_open_to_internet(J("{'ipProtocol':'tcp','fromPort':22,'toPort':22,'ipRanges':['10.0.0.0/8']}")));
    assert_false(cw_net_perm_open_to_internet(
        J("{'ipProtocol':'tcp','fromPort':22,'toPort':22,'userIdGroupPairs':[{'groupId':'sg-1'}],'ipRanges':[]}")));
    int64_t ports[] = {22, 3389};
    assert_true(cw_net_perm_port_overlaps(J("{'ipProtocol':'tcp','fromPort':20,'toPort':23}"), ports, 2));
    assert_false(cw_net_perm_port_overlaps(J("{'ipProtocol':'tcp','fromPort':80,'toPort':443}"), ports, 2));
    assert_true(cw_net_perm_port_overlaps(J("{'ipProtocol':'-1'}"), ports, 2));
    assert_true(cw_net_perm_port_overlaps(J("{'ipProtocol':'6','fromPort':3389,'toPort':3389}"), ports, 2));
    assert_false(cw_net_perm_port_overlaps(J("{'ipProtocol':'icmp','fromPort':-1,'toPort':-1}"), ports, 2));
    assert_int_equal(cw_perm_protocol(J("{'ipProtocol':'17'}")), 17);
    assert_int_equal(cw_perm_protocol(J("{'ipProtocol':'udp'}")), 17);
    assert_int_equal(cw_perm_protocol(J("{'ipProtocol':'icmpv6'}")), 58);
}

static cw_asset *sg(const char *id, const char *perms)
{
    char *conf = cw_arena_printf(&S.arena, "{'groupId':'%s','vpcId':'vpc-1','ipPermissions':[%s]}", id, perms);
    return an_item(&S, "AWS::EC2::SecurityGroup", id, NULL, conf, NULL);
}

static void run(void)
{
    cw_assets_link(&S, NULL);
    cw_an_netreach(&S);
}

static void test_sg_union_across_permissions(void **st)
{
    (void)st;
    cw_asset *a = sg("sg-a", "{'ipProtocol':'tcp','fromPort':22,'toPort':22,'ipRanges':['0.0.0.0/1']},"
                             "{'ipProtocol':'tcp','fromPort':20,'toPort':25,'ipv4Ranges':[{'cidrIp':'128.0.0.0/1'}]}");
    run();
    assert_true(an_bool(a, "sg.open_to_internet"));
    assert_int_equal(an_len(a, "sg.internet_ports"), 1);
    assert_true(an_has(a, "sg.internet_ports", "22"));
    assert_true(an_has(a, "sg.admin_ports_open", "22"));
    assert_false(an_has(a, "sg.admin_ports_open", "23"));
    assert_false(an_bool(a, "sg.all_ports_open"));
}

static void test_sg_ranges_and_protocols(void **st)
{
    (void)st;
    cw_asset *a = sg("sg-a", "{'ipProtocol':'tcp','fromPort':80,'toPort':443,'ipRanges':['0.0.0.0/0']},"
                             "{'ipProtocol':'6','fromPort':3306,'toPort':3306,'ipRanges':['0.0.0.0/0']},"
                             "{'ipProtocol':'udp','fromPort':53,'toPort':53,'ipRanges':['0.0.0.0/0']},"
                             "{'ipProtocol':'icmp','fromPort':-1,'toPort':-1,'ipRanges':['0.0.0.0/0']},"
                             "{'ipProtocol':'tcp','fromPort':5432,'toPort':5432,'ipRanges':['10.0.0.0/8']}");
    cw_asset *b = sg("sg-b", "{'ipProtocol':'-1','ipRanges':['0.0.0.0/0']}");
    cw_asset *c = sg("sg-c", "{'ipProtocol':'tcp','fromPort':0,'toPort':65535,'ipv6Ranges':[{'cidrIpv6':'::/0'}]}");
    cw_asset *d = sg("sg-d", "{'ipProtocol':'tcp','fromPort':22,'toPort':22,'ipRanges':['10.0.0.0/8',"
                             "'172.16.0.0/12','192.168.0.0/16']}");
    run();
    assert_true(an_has(a, "sg.internet_ports", "80-443"));
    assert_true(an_has(a, "sg.internet_ports", "3306"));
    assert_true(an_has(a, "sg.internet_ports", "udp/53"));
    assert_true(an_has(a, "sg.internet_ports", "icmp"));
    assert_int_equal(an_len(a, "sg.internet_ports"), 4);
    assert_true(an_has(a, "sg.db_ports_open", "3306"));
    assert_false(an_has(a, "sg.db_ports_open", "5432"));
    assert_true(an_bool(b, "sg.all_ports_open"));
    assert_true(an_has(b, "sg.internet_ports", "all"));
    assert_true(an_has(b, "sg.admin_ports_open", "3389"));
    assert_true(an_bool(c, "sg.all_ports_open")); /* IPv6 counts */
    assert_true(an_has(c, "sg.internet_ports", "0-65535"));
    assert_false(an_bool(d, "sg.open_to_internet"));
    assert_int_equal(an_len(d, "sg.internet_ports"), 0);
}

/* ---- resources ---------------------------------------------------------------------------- */
#define OPEN_3306 "{'ipProtocol':'tcp','fromPort':3306,'toPort':3306,'ipRanges':['0.0.0.0/0']}"

static cw_asset *rds(const char *id, const char *pub, const char *sgid)
{
    char *conf = cw_arena_printf(&S.arena,
                                 "{'dBInstanceIdentifier':'%s','engine':'mysql','publiclyAccessible':%s,"
                                 "'vpcSecurityGroups':[{'vpcSecurityGroupId':'%s','status':'active'}],"
                                 "'endpoint':{'address':'x.rds.amazonaws.com','port':3306},'storageEncrypted':false,"
                                 "'dBSubnetGroup':{'vpcId':'vpc-1'}}",
                                 id, pub, sgid);
    return an_item(&S, "AWS::RDS::DBInstance", cw_arena_printf(&S.arena, "db-%s", id), NULL, conf, NULL);
}

static void test_rds_public_and_open(void **st)
{
    (void)st;
    sg("sg-open", OPEN_3306);
    cw_asset *db = rds("db1", "true", "sg-open");
    run();
    assert_true(an_bool(db, "net.publicly_accessible"));
    assert_true(an_bool(db, "net.internet_reachable"));
    assert_true(an_has(db, "net.reachable_ports", "3306"));
    assert_true(an_has(db, "net.security_groups", "sg-open"));
    assert_non_null(strstr(an_fstr(db, "net.reason"), "tcp/3306"));
}

static void test_rds_not_publicly_accessible(void **st)
{
    (void)st;
    sg("sg-open", "{'ipProtocol':'-1','ipRanges':['0.0.0.0/0']}");
    cw_asset *db = rds("db1", "false", "sg-open");
    run();
    assert_false(an_bool(db, "net.internet_reachable"));
    assert_non_null(strstr(an_fstr(db, "net.reason"), "publiclyAccessible is false"));
}

static void test_rds_wrong_port_and_missing_sg(void **st)
{
    (void)st;
    sg("sg-web", "{'ipProtocol':'tcp','fromPort':443,'toPort':443,'ipRanges':['0.0.0.0/0']}");
    cw_asset *db = rds("db1", "true", "sg-web");
    cw_asset *db2 = rds("db2", "true", "sg-gone");
    run();
    assert_false(an_bool(db, "net.internet_reachable"));
    assert_false(an_bool(db2, "net.internet_reachable"));
    assert_true(an_has(db2, "net.missing_security_groups", "sg-gone"));
    assert_non_null(strstr(an_fstr(db2, "net.reason"), "not in the inventory"));
}

static void test_rds_group_via_relationship_only(void **st)
{
    (void)st;
    sg("sg-rel", "{'ipProtocol':'tcp','fromPort':5432,'toPort':5432,'ipRanges':['0.0.0.0/0']}");
    /* no vpcSecurityGroups in the configuration; no endpoint: postgres default port */
    cw_asset *d = an_addq(&S, "{'resourceType':'AWS::RDS::DBInstance','resourceId':'db-y','awsAccountId':"
                              "'111122223333','relationships':[{'resourceType':'AWS::EC2::SecurityGroup','resourceId':"
                              "'sg-rel','relationshipName':'Is associated with SecurityGroup'}],'configuration':{"
                              "'engine':'postgres','publiclyAccessible':true,'dbInstancePort':0}}");
    run();
    assert_true(an_bool(d, "net.internet_reachable"));
    assert_true(an_has(d, "net.reachable_ports", "5432"));
    assert_true(an_has(d, "net.security_groups", "sg-rel"));
}

static void test_rds_cluster_members(void **st)
{
    (void)st;
    sg("sg-open", OPEN_3306);
    rds("member-pub", "true", "sg-open");
    rds("member-priv", "false", "sg-open");
    cw_asset *c1 = an_item(&S, "AWS::RDS::DBCluster", "cluster-1", NULL,
                           "{'engine':'aurora-mysql','engineMode':'provisioned','port':3306,'vpcSecurityGroups':["
                           "{'vpcSecurityGroupId':'sg-open','status':'active'}],'dbclusterMembers':["
                           "{'dbinstanceIdentifier':'member-priv'},{'dbinstanceIdentifier':'member-pub'}]}",
                           NULL);
    cw_asset *c2 = an_item(&S, "AWS::RDS::DBCluster", "cluster-2", NULL,
                           "{'engine':'aurora-mysql','engineMode':'provisioned','vpcSecurityGroups':[],"
                           "'dbclusterMembers':[{'dbinstanceIdentifier':'member-priv'}]}",
                           NULL);
    cw_asset *c3 = an_item(&S, "AWS::RDS::DBCluster", "cluster-3", NULL,
                           "{'engine':'aurora-mysql','dbclusterMembers':[{'dbinstanceIdentifier':'not-recorded'}]}",
                           NULL);
    run();
    assert_true(an_bool(c1, "net.internet_reachable"));
    assert_non_null(strstr(an_fstr(c1, "net.reason"), "member-pub"));
    assert_true(an_has(c1, "net.reachable_ports", "3306"));
    assert_false(an_bool(c2, "net.internet_reachable"));
    assert_false(an_bool(c2, "net.publicly_accessible"));
    assert_false(an_bool(c3, "net.internet_reachable"));
    assert_non_null(strstr(an_fstr(c3, "net.reason"), "not-recorded"));
}

static void test_redshift(void **st)
{
    (void)st;
    sg("sg-rs", "{'ipProtocol':'tcp','fromPort':5439,'toPort':5439,'ipRanges':['0.0.0.0/0']}");
    cw_asset *r1 = an_item(&S, "AWS::Redshift::Cluster", "rs1", NULL,
                           "{'publiclyAccessible':true,'encrypted':true,'vpcId':'vpc-1','vpcSecurityGroups':["
                           "{'vpcSecurityGroupId':'sg-rs','status':'active'}]}",
                           NULL); /* no endpoint recorded: default port 5439 */
    cw_asset *r2 = an_item(&S, "AWS::Redshift::Cluster", "rs2", NULL,
                           "{'publiclyAccessible':true,'endpoint':{'port':5440},'vpcSecurityGroups':["
                           "{'vpcSecurityGroupId':'sg-rs','status':'active'}]}",
                           NULL);
    run();
    assert_true(an_bool(r1, "net.internet_reachable"));
    assert_true(an_has(r1, "net.reachable_ports", "5439"));
    assert_false(an_bool(r2, "net.internet_reachable"));
}

static void test_search_domains(void **st)
{
    (void)st;
    const char *open_pol = "{'Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'es:*',"
                           "'Resource':'arn:aws:es:us-east-1:111122223333:domain/d1/*'}]}";
    char *conf = cw_arena_printf(&S.arena, "{'DomainName':'d1','AccessPolicies':%s,'EncryptionAtRestOptions':"
                                           "{'Enabled':true},'DomainEndpointOptions':{'EnforceHTTPS':true}}",
                                 open_pol);
    cw_asset *d1 = an_item(&S, "AWS::OpenSearch::Domain", "d1", "arn:aws:es:us-east-1:111122223333:domain/d1", conf,
                           NULL);
    /* the same open policy, but in a VPC */
    cw_asset *d2 = an_item(&S, "AWS::Elasticsearch::Domain", "111122223333/d2",
                           "arn:aws:es:us-east-1:111122223333:domain/d2",
                           "{'domainName':'d2','accessPolicies':{'Statement':[{'Effect':'Allow','Principal':'*',"
                           "'Action':'es:*','Resource':'arn:aws:es:us-east-1:111122223333:domain/d2/*'}]},"
                           "'vpcoptions':{'subnetIds':['subnet-1'],'securityGroupIds':['sg-x']}}",
                           NULL);
    /* public endpoint, open policy, fine-grained access control without anonymous access */
    conf = cw_arena_printf(&S.arena, "{'AccessPolicies':%s,'AdvancedSecurityOptions':{'Enabled':true,"
                                     "'InternalUserDatabaseEnabled':true,'AnonymousAuthEnabled':false}}",
                           open_pol);
    cw_asset *d3 = an_item(&S, "AWS::OpenSearch::Domain", "d1b", "arn:aws:es:us-east-1:111122223333:domain/d1", conf,
                           NULL);
    /* public endpoint, policy restricted to an office range */
    cw_asset *d4 = an_item(&S, "AWS::OpenSearch::Domain", "d4", "arn:aws:es:us-east-1:111122223333:domain/d4",
                           "{'AccessPolicies':{'Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},'Action':"
                           "'es:ESHttp*','Resource':'arn:aws:es:us-east-1:111122223333:domain/d4/*','Condition':{"
                           "'IpAddress':{'aws:SourceIp':['192.0.2.0/24','54.240.143.0/24']}}}]}}",
                           NULL);
    run();
    assert_true(an_bool(d1, "net.internet_reachable"));
    assert_true(an_has(d1, "net.reachable_ports", "443"));
    assert_false(an_has(d1, "net.reachable_ports", "80"));
    assert_true(an_bool(d1, "opensearch.public"));
    assert_false(an_bool(d2, "net.internet_reachable"));
    assert_true(an_bool(d2, "net.in_vpc"));
    assert_false(an_bool(d2, "opensearch.public"));
    assert_true(an_has(d2, "net.security_groups", "sg-x"));
    assert_false(an_bool(d3, "opensearch.public"));
    assert_non_null(strstr(an_fstr(d3, "opensearch.reason"), "fine-grained"));
    assert_true(an_bool(d4, "net.internet_reachable"));
    assert_false(an_bool(d4, "opensearch.public"));
}

static void test_ec2_instances(void **st)
{
    (void)st;
    sg("sg-ssh", "{'ipProtocol':'tcp','fromPort':22,'toPort':22,'ipRanges':['0.0.0.0/0']}");
    sg("sg-v6", "{'ipProtocol':'tcp','fromPort':443,'toPort':443,'ipv6Ranges':[{'cidrIpv6':'::/0'}]}");
    cw_asset *i1 = an_item(&S, "AWS::EC2::Instance", "i-1", NULL,
                           "{'state':{'name':'running'},'vpcId':'vpc-1','publicIpAddress':'34.205.29.138',"
                           "'securityGroups':[{'groupName':'a','groupId':'sg-ssh'},{'groupName':'b','groupId':'sg-v6'}]}",
                           NULL);
    cw_asset *i2 = an_item(&S, "AWS::EC2::Instance", "i-2", NULL,
                           "{'state':{'name':'running'},'securityGroups':[{'groupId':'sg-ssh'}],'networkInterfaces':[{"
                           "'groups':[{'groupId':'sg-ssh'}],'ipv6Addresses':[]}]}",
                           NULL); /* no public address */
    cw_asset *i3 = an_item(&S, "AWS::EC2::Instance", "i-3", NULL,
                           "{'state':{'name':'stopped'},'publicIpAddress':'34.205.29.139','securityGroups':[{"
                           "'groupId':'sg-ssh'}]}",
                           NULL);
    cw_asset *i4 = an_item(&S, "AWS::EC2::Instance", "i-4", NULL,
                           "{'state':{'name':'running'},'networkInterfaces':[{'groups':[{'groupId':'sg-v6'},{"
                           "'groupId':'sg-ssh'}],'ipv6Addresses':[{'ipv6Address':'2600:1f18::1'}]}]}",
                           NULL); /* IPv6 only: port 22 is open on IPv4 only */
    run();
    assert_true(an_bool(i1, "net.internet_reachable"));
    assert_true(an_has(i1, "net.reachable_ports", "22"));
    assert_false(an_has(i1, "net.reachable_ports", "443")); /* 443 is open on IPv6 only */
    assert_false(an_bool(i2, "net.internet_reachable"));
    assert_false(an_bool(i3, "net.internet_reachable"));
    assert_non_null(strstr(an_fstr(i3, "net.reason"), "stopped"));
    assert_true(an_bool(i4, "net.internet_reachable"));
    assert_true(an_has(i4, "net.reachable_ports", "443"));
    assert_false(an_has(i4, "net.reachable_ports", "22"));
}

static void test_exposure_describe_merges_families(void **st)
{
    (void)st;
    const cw_json *p[2] = {J("{'ipProtocol':'tcp','fromPort':80,'toPort':80,'ipRanges':['0.0.0.0/0']}"),
                           J("{'ipProtocol':'tcp','fromPort':81,'toPort':90,'ipv6Ranges':[{'cidrIpv6':'::/0'}]}")};
    cw_exposure e;
    cw_exposure_compute(p, 2, &e);
    const char **out;
    size_t n = cw_exposure_describe(&e, CW_FAM_ANY, &S.arena, &out);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "80-90");
    n = cw_exposure_describe(&e, CW_FAM_V4, &S.arena, &out);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "80");
    assert_true(cw_exposure_tcp_open(&e, CW_FAM_V6, 85));
    assert_false(cw_exposure_tcp_open(&e, CW_FAM_V4, 85));
    cw_exposure_free(&e);
}

/* covers_public on random unions of blocks against the definition: the set
 * together with every non-public address is the whole address space. */
static bool covers_ref(const cw_ipset *s)
{
    cw_iprange pub[64];
    size_t np = cw_ip_public_ranges(s->fam, pub, 64);
    cw_ipset u;
    cw_ipset_init(&u, s->fam);
    cw_ipset_add_set(&u, s);
    cw_u128 next = 0;
    for (size_t i = 0; i < np; i++) { /* the gaps between public ranges are the reserved ones */
        if (pub[i].lo > next) cw_ipset_add(&u, next, pub[i].lo - 1);
        next = pub[i].hi + 1;
    }
    if (np && pub[np - 1].hi != cw_ip_max(s->fam)) cw_ipset_add(&u, next, cw_ip_max(s->fam));
    cw_ipset_normalize(&u);
    bool all = u.n == 1 && u.v[0].lo == 0 && u.v[0].hi == cw_ip_max(s->fam);
    cw_ipset_free(&u);
    return all;
}

static void test_covers_public_random(void **st)
{
    (void)st;
    static const char *const v4[] = {"0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2",
                                     "192.0.0.0/2", "10.0.0.0/8", "0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8",
                                     "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "0.0.0.0/0", "1.2.3.4/32",
                                     "172.16.0.0/12", "224.0.0.0/3", "100.0.0.0/6", "100.64.0.0/10"};
    static const char *const v6[] = {"::/0", "::/1", "8000::/1", "2000::/3", "2000::/4", "3000::/4",
                                     "2001:db8::/32", "2400::/6", "2000::/5", "2800::/5", "fc00::/7"};
    unsigned seed = 99;
    for (int t = 0; t < 4000; t++) {
        int fam = t % 2 ? 6 : 4;
        const char *const *pool = fam == 4 ? v4 : v6;
        size_t npool = fam == 4 ? sizeof v4 / sizeof *v4 : sizeof v6 / sizeof *v6;
        cw_ipset s;
        cw_ipset_init(&s, fam);
        seed = seed * 1103515245u + 12345u;
        int k = 1 + (int)((seed >> 16) % 5);
        for (int i = 0; i < k; i++) {
            seed = seed * 1103515245u + 12345u;
            int f;
            cw_u128 lo, hi;
            assert_int_equal(cw_ip_parse_cidr(pool[(seed >> 16) % npool], &f, &lo, &hi), 0);
            cw_ipset_add(&s, lo, hi);
        }
        if (t % 3) cw_ipset_normalize(&s);
        assert_int_equal(cw_ipset_covers_public(&s), covers_ref(&s));
        cw_ipset_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_covers_public_random),
        cmocka_unit_test_setup_teardown(test_cidr_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cidr_contains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_internet_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_perm_helpers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_union_across_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sg_ranges_and_protocols, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rds_public_and_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rds_not_publicly_accessible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rds_wrong_port_and_missing_sg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rds_group_via_relationship_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rds_cluster_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redshift, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_domains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ec2_instances, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exposure_describe_merges_families, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
