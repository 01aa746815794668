#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# mfa-enroll db-init on a server of the test's own: the schema built into
# the program, from scratch and again (an upgrade in place), the same as
# psql makes from sql/awsmfa.sql; refused, with nothing changed, for a
# role that is not a superuser, a relative key path, a key file that is
# missing or is not the key of the secrets already sealed.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"

pg_start db || skip_all "could not start a PostgreSQL server"
PGDATABASE_T=postgres psql_as postgres -c 'CREATE DATABASE awsmfa' \
    -c 'CREATE DATABASE viapsql' -c 'CREATE ROLE plain LOGIN'
key=$SANDBOX/db.key
openssl rand -hex 32 >"$key"
chown postgres: "$key"
chmod 0600 "$key"
conninfo() { echo "host=$PG_DIR port=$PG_PORT dbname=${2:-awsmfa} user=$1"; }
dbinit() { "$ENROLL" db-init --key-file "$key" --conninfo "$(conninfo "$@")"; }
# The state of the awsmfa schema: every function (source, security,
# grants) and table column, and the roles' grants.
state() {
	PGDATABASE_T=$1 sql postgres -c "SELECT p.proname || '(' ||
	    pg_get_function_identity_arguments(p.oid) || ') ' ||
	    md5(p.prosrc) || ' ' || p.prosecdef || ' ' ||
	    coalesce(p.proacl::text, '') || ' ' || array_to_string(p.proconfig, ',')
	    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	    WHERE n.nspname = 'awsmfa' ORDER BY 1" -c "SELECT table_name || '.' ||
	    column_name || ' ' || data_type || ' ' || coalesce(column_default, '')
	    FROM information_schema.columns WHERE table_schema = 'awsmfa'
	    ORDER BY 1" -c "SELECT r.rolname || ' in ' || g.rolname
	    FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
	    JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname LIKE 'awsmfa%'
	    ORDER BY 1"
}

out=$(dbinit postgres 2>&1)
is "db-init from scratch as a superuser" 0 $?
is "says which schema version it made" \
    'awsmfa schema version 1 created in database "awsmfa" by postgres.' \
    "$(head -n 1 <<<"$out")"
check "says what the DBA must still do: roles for hosts" \
    grep -q 'CREATE ROLE host_web1 LOGIN IN ROLE awsmfa_host CONNECTION LIMIT 20;' <<<"$out"
check "  admins" grep -q 'GRANT awsmfa_admin TO' <<<"$out"
check "  pg_hba" grep -q 'pg_hba.conf' <<<"$out"
check "  and where the key file must be, with its mode" \
    grep -q "key file $key stays on the database server" <<<"$out"
check "  mode 0600" grep -q 'mode 0600' <<<"$out"
first=$(state awsmfa)

out=$(dbinit postgres 2>&1)
is "db-init again: an upgrade in place" 0 $?
is "saying so" 'awsmfa schema version 1 in database "awsmfa" (was version 1), upgraded in place by postgres.' \
    "$(head -n 1 <<<"$out")"
is "the schema is the same after the second run" "$first" "$(state awsmfa)"
psql_as postgres -d viapsql -v key_file="$key" -f "$AWSMFA_SRCDIR/sql/awsmfa.sql" \
    2>/dev/null
is "the schema built into mfa-enroll is what psql makes of sql/awsmfa.sql" \
    "$first" "$(state viapsql)"
check "it has functions at all" test "$(wc -l <<<"$first")" -gt 40

# The SQL tests' functions work on what db-init made.
psql_as postgres -c 'CREATE ROLE host_a LOGIN IN ROLE awsmfa_host' \
    -c 'CREATE ROLE admin1 LOGIN IN ROLE awsmfa_admin'
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null
s=$(enrol alice)
check "an admin enrols a user" test ${#s} -eq 40
c=$(oathtool --totp -N "@$(($(date +%s) + 30))" "$s")
is "a host logs her in" "ok code accepted 0" "$(login host_a alice "$c")"
is "once" "reused code already used 1" "$(login host_a alice "$c")"

# Connection exhaustion: a login role of awsmfa_host, directly or
# through another group, gets a CONNECTION LIMIT of its own (a group's is
# not inherited); one the DBA chose stays, other roles are left alone.
psql_as postgres -c 'CREATE ROLE web01 LOGIN IN ROLE awsmfa_host' \
    -c 'CREATE ROLE web02 LOGIN IN ROLE awsmfa_host CONNECTION LIMIT 3' \
    -c 'CREATE ROLE rack1 NOLOGIN IN ROLE awsmfa_host' \
    -c 'CREATE ROLE web03 LOGIN IN ROLE rack1' -c 'CREATE ROLE other LOGIN'
limits() {
	sql postgres -c "SELECT string_agg(rolname || '=' || rolconnlimit, ' '
	    ORDER BY rolname) FROM pg_roles WHERE rolname IN ('web01', 'web02',
	    'web03', 'other')"
}
dbinit postgres >/dev/null 2>&1
is "db-init limits every login role of awsmfa_host that has no limit" \
    "other=-1 web01=20 web02=3 web03=20" "$(limits)"
is "a host's session ends an idle transaction after 10 s" 10s \
    "$(sql web01 -c 'SHOW idle_in_transaction_session_timeout')"
# Twenty sessions of web01 held open: the 21st is refused, another host
# still gets in.
for _ in $(seq 20); do
	sql web01 -c 'SELECT pg_sleep(20)' >/dev/null 2>&1 &
done
for _ in $(seq 100); do
	[ "$(sql postgres -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'web01'")" = 20 ] && break
	sleep 0.1
done
err=$(sql web01 -c 'SELECT 1' 2>&1)
check "the 21st connection of one host is refused ($err)" \
    grep -q 'too many connections for role "web01"' <<<"$err"
is "while another host connects" 1 "$(sql host_a -c 'SELECT 1')"
sql postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE usename = 'web01'" >/dev/null
wait

before=$(state awsmfa; sql postgres -c 'SELECT count(*) FROM awsmfa.devices')
err=$(dbinit plain 2>&1 >/dev/null)
is "refused for a role that is not a superuser, in one line" \
    "1 mfa-enroll: db-init: role plain is not a superuser: db-init creates roles and an extension and lets the schema read the key file (connect as a superuser, e.g. postgres); nothing changed" \
    "$? $err"
err=$("$ENROLL" db-init --key-file db.key --conninfo "$(conninfo postgres)" 2>&1 >/dev/null)
is "refused with a relative key path" \
    "2 mfa-enroll: db-init: --key-file must be an absolute path (the database server reads it)" \
    "$? $err"
err=$("$ENROLL" db-init --key-file "$SANDBOX/nokey" --conninfo "$(conninfo postgres)" 2>&1 >/dev/null)
is "refused with a key file the server cannot read" \
    "1 mfa-enroll: db-init: database: could not open file \"$SANDBOX/nokey\" for reading: No such file or directory; nothing changed" \
    "$? $err"
openssl rand -hex 32 >"$SANDBOX/other.key"
chown postgres: "$SANDBOX/other.key"
err=$("$ENROLL" db-init --key-file "$SANDBOX/other.key" --conninfo "$(conninfo postgres)" 2>&1 >/dev/null)
is "refused with another key than the one that sealed the secrets" \
    "1 mfa-enroll: db-init: key file $SANDBOX/other.key does not open the secrets already in the database (another key?); nothing changed" \
    "$? $err"
# shellcheck disable=SC2016 # a '$' in the path, not an expansion
err=$("$ENROLL" db-init --key-file '/tmp/a$b$x' --conninfo "$(conninfo postgres)" 2>&1 >/dev/null)
is "refused with a '\$' in the key path" \
    "2 mfa-enroll: db-init: --key-file must not hold control characters or '\$'" \
    "$? $err"
sql postgres -c "UPDATE awsmfa.meta SET v = '2' WHERE k = 'schema_version'"
err=$(dbinit postgres 2>&1 >/dev/null)
is "refused on a newer schema" \
    "1 mfa-enroll: db-init: the database holds awsmfa schema version 2, newer than this mfa-enroll's 1; nothing changed" \
    "$? $err"
sql postgres -c "UPDATE awsmfa.meta SET v = '1' WHERE k = 'schema_version'"
is "after every refusal the database is as it was" "$before" \
    "$(state awsmfa; sql postgres -c 'SELECT count(*) FROM awsmfa.devices')"
c=$(oathtool --totp -N "@$(($(date +%s) + 60))" "$s")
is "and the key still opens the secrets" "ok code accepted 0" \
    "$(login host_a alice "$c")"

# A statement of the schema that fails half-way: all of it is undone.
PGDATABASE_T=postgres psql_as postgres -c 'CREATE DATABASE shared'
PGDATABASE_T=shared psql_as postgres -c 'CREATE EXTENSION pgcrypto'
err=$(dbinit postgres shared 2>&1 >/dev/null)
is "a database whose pgcrypto lies elsewhere is refused" \
    "1 mfa-enroll: db-init: database: pgcrypto is installed in schema public; awsmfa needs a database of its own; nothing changed" \
    "$? $err"
is "and holds no schema awsmfa afterwards" 0 \
    "$(PGDATABASE_T=shared sql postgres -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'awsmfa'")"

# Without --conninfo: db_admin_conninfo from the config.
cat >"$SANDBOX/awsmfa.conf" <<CONF
store_dir = "$SANDBOX/store";
db_admin_conninfo = "$(conninfo postgres)";
window = 2;
max_failures = 3;
lockout_seconds = 600;
host_failures_per_minute = 40;
self_service = false;
self_enrol_without_invitation = true;
CONF
chmod 0644 "$SANDBOX/awsmfa.conf"
out=$("$ENROLL" --conf "$SANDBOX/awsmfa.conf" db-init --key-file "$key" 2>&1)
is "the conninfo comes from db_admin_conninfo by default" \
    "0 awsmfa schema version 1 in database \"awsmfa\" (was version 1), upgraded in place by postgres." \
    "$? $(head -n 1 <<<"$out")"
check "it says which policy it set" grep -q \
    "^Fleet policy from $SANDBOX/awsmfa.conf: window 2, resync_window 60, hotp_look_ahead 10, lockout after 3 failures for 600 s, max_devices 8, host_failures_per_minute 40, self_service false, self_enrol_without_invitation true.$" \
    <<<"$out"
is "and the database holds it, for every server" "2|60|3|600|8|40|f|t" \
    "$(sql postgres -c "SELECT win, resync_window, max_failures, lockout_seconds, max_devices, host_failures_per_minute, self_service, self_enrol_without_invitation FROM awsmfa.settings")"
err=$("$ENROLL" db-init --key-file "$key" --conninfo "$(conninfo postgres) password=x" 2>&1 >/dev/null)
is "a conninfo with a password is refused" \
    "1 mfa-enroll: conninfo: holds a password: use a passfile (passfile=) or a client certificate" \
    "$? $err"
done_testing
