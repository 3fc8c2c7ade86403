"""Shared by the forensics tests: failure collection and one S3 server access
log record of bucket dealer-exports as AWS writes it (27 fields)."""

OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what)


def s3(ts, ip, requester, rid, key, auth="AuthHeader", sent=2048, size=2048):
    """One S3 server access log record of dealer-exports (27 fields)."""
    uri = "/dealer-exports/%s" % key + ("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab12" if auth == "QueryString" else "")
    return ('%s dealer-exports [%s +0000] %s %s %s REST.GET.OBJECT %s "GET %s HTTP/1.1" 200 - %d %d 31 12 "-" '
            '"aws-cli/2.15.0 Python/3.11.6" - b3hlJAqK+0KpxHFiFU8tVeYJLJvHdzKdf3PzEXAMPLEhostid= SigV4 '
            'TLS_AES_128_GCM_SHA256 %s dealer-exports.s3.eu-west-1.amazonaws.com TLSv1.3 - - eu-west-1'
            % (OWNER, ts, ip, requester, rid, key, uri, sent, size, auth))
