#!/usr/bin/env bash
# Runs the store's unit test against a real PostgreSQL server from Debian's
# packages: a throw-away cluster in a temporary directory, listening only on
# a Unix socket there. Skips (exit 77) with a message when PostgreSQL is not
# installed. Usage: pg_store.sh TEST_PROGRAM [ARGS...] (CW_TEST_PG names the server)
set -euo pipefail
bin=$1
shift
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL server not installed (apt-get install postgresql): skipped"; exit 77
fi
as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "running as root without a postgres user: skipped"; exit 77; }
  as=(runuser -u postgres --)
fi
tmp=$(mktemp -d /tmp/cw-pg-XXXXXX)
chmod 755 "$tmp"
[ "${#as[@]}" -gt 0 ] && chown postgres "$tmp"
cleanup() { "${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
"${as[@]}" "$pgbin/initdb" -D "$tmp/data" -U cw --auth=trust >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
"${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -w -l "$tmp/pg.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$tmp' -c fsync=off -p 5439" start >/dev/null
"${as[@]}" "$pgbin/createdb" -h "$tmp" -p 5439 -U cw cwtest
export CW_TEST_PG="host=$tmp port=5439 user=cw dbname=cwtest"
"$bin" "$@"
