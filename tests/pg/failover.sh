#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What synchronous replication buys: a code accepted on the primary is
# refused on a synchronous standby promoted after the primary died.  With
# the standby stopped, the primary's commit of a login waits for it
# until the statement_timeout the module sent with the call (four fifths
# of db_timeout) cancels the wait with a WARNING, which the module reads
# as a refusal; when the primary then crashes and the standby is
# promoted, no code is accepted twice and no login the module accepted
# is lost, even where the login host's role asks for synchronous_commit =
# local: the transaction that accepts a code commits synchronously
# whatever its session says.  Made asynchronous
# (synchronous_standby_names = ''), this test fails.  Cancelling
# the wait still reports the update, with a WARNING that the caller must
# read as a refusal; mfa-enroll check warns once replication is not
# synchronous.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$MODULE" ] || skip_all "module not built"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"

pg_start primary || skip_all "could not start a PostgreSQL server"
P=$PG_DIR PP=$PG_PORT
cat >>"$P/data/postgresql.conf" <<CONF
wal_level = replica
synchronous_standby_names = 'FIRST 1 (s1)'
synchronous_commit = on
CONF
echo "host replication postgres 127.0.0.1/32 trust" >>"$P/data/pg_hba.conf"
pg_ctl_as "$P" -w -m fast restart -o "-p $PP -k $P -c listen_addresses=127.0.0.1" \
    -l "$P/log" >/dev/null
S=$SANDBOX/standby SP=$(free_port)
mkdir -p "$S"
chown postgres: "$S"
check "base backup for the standby" runuser -u postgres -- \
    "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PP" -U postgres -D "$S/data" -R
# Once promoted it has no standby of its own to wait for (Patroni's
# strict mode would name the next one).
cat >>"$S/data/postgresql.auto.conf" <<CONF
primary_conninfo = 'host=127.0.0.1 port=$PP user=postgres application_name=s1'
synchronous_standby_names = ''
CONF
pg_run "$S" "$SP"
PG_DIR=$P PG_PORT=$PP
sync_state() {
	for _ in $(seq 50); do
		[ "$(sql postgres -d postgres -c 'SELECT sync_state FROM pg_stat_replication')" = sync ] && break
		sleep 0.2
	done
	sql postgres -d postgres -c 'SELECT sync_state FROM pg_stat_replication'
}
is "the standby is synchronous" sync "$(sync_state)"

check "db-init on the primary" db_init
# Codes up to four periods ahead stay in the window for the whole test.
sql postgres -c 'UPDATE awsmfa.settings SET win = 5' >/dev/null
secret=$(enrol alice)
totp() { oathtool --totp -N "@$(($(date +%s) + $1))" "$secret"; }

# A login host as README's step 5 has it: both servers in db_conninfo,
# the one that takes writes wins.
cat >"$SANDBOX/host.conf" <<CONF
store = "postgresql";
db_conninfo = "host=$P,$S port=$PP,$SP dbname=awsmfa user=host_a target_session_attrs=read-write";
db_admin_conninfo = "host=$P,$S port=$PP,$SP dbname=awsmfa user=admin1 target_session_attrs=read-write";
db_timeout = 2;
CONF
chmod 0644 "$SANDBOX/host.conf"
mkdir -p "$SANDBOX/pam.d"
echo "auth required $MODULE conf=$SANDBOX/host.conf" >"$SANDBOX/pam.d/host"
auth() {
	pam_run "" -- "$DRIVER" -s host -u alice "$1" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
mfa_check() { "$ENROLL" --conf "$SANDBOX/host.conf" check 2>&1; }
is "mfa-enroll check: replication is synchronous, nothing to warn of" \
    "$SANDBOX/host.conf and the PostgreSQL store: no problem found." \
    "$(mfa_check)"

# A host role that would rather not wait for the standby: its accepting
# commits wait all the same.
sql postgres -c 'ALTER ROLE host_a SET synchronous_commit = local' >/dev/null

c=$(totp 30)
is "a code accepted on the primary" "ok code accepted 0" \
    "$(login host_a alice "$c")"
c1=$(totp 60)
is "another through the module" PAM_SUCCESS "$(auth "$c1")"

# The standby goes away: the primary's commit of the next login waits
# for it, until the server's statement_timeout ends the wait (a WARNING)
# before the module's db_timeout.
pg_ctl_as "$S" -m fast -w stop >/dev/null
c2=$(totp 90)
t0=$(date +%s%N)
r1=$(auth "$c2")
ms=$((($(date +%s%N) - t0) / 1000000))
check "with the standby stopped, the module does not accept ($r1 after $ms ms)" \
    test "$r1" != PAM_SUCCESS
check "  it ended within db_timeout (2 s)" test "$ms" -lt 2500
diag "the old primary spent step $(sql postgres -c "SELECT last_step FROM awsmfa.devices WHERE user_name = 'alice'") of $(($(date +%s) / 30)) before it died"

pg_ctl_as "$P" -m immediate -w stop >/dev/null
pg_ctl_as "$S" -l "$S/log" -w -o "-p $SP -k $S -c listen_addresses=127.0.0.1" \
    start >/dev/null
check "the standby is promoted" pg_ctl_as "$S" -w promote
PG_DIR=$S PG_PORT=$SP
for _ in $(seq 50); do
	[ "$(sql postgres -c 'SELECT pg_is_in_recovery()')" = f ] && break
	sleep 0.2
done
is "the first code on the promoted standby: already used" \
    "reused code already used 1" "$(login host_b alice "$c")"
is "the login the module accepted is not lost: its code is refused" \
    PAM_AUTH_ERR "$(auth "$c1")"
r2=$(auth "$c2")
r3=$(auth "$c2")
is "the code being accepted when the primary died: accepted once in all" \
    "1" "$(printf '%s\n' "$r1" "$r2" "$r3" | grep -c '^PAM_SUCCESS$')"
is "mfa-enroll check warns: no synchronous standby now" \
    "mfa-enroll: warning: database: synchronous_standby_names is empty: a standby promoted after a failover may not know a code the primary accepted, and accept it again (README: Replication)" \
    "$(mfa_check | grep ': warning: .*synchronous_standby_names')"

# The promoted server now waits for a standby it does not have.
sql postgres -c "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (s2)'" \
    -c 'SELECT pg_reload_conf()' >/dev/null
t3=$(($(date +%s) + 120))
c3=$(oathtool --totp -N "@$t3" "$secret")
# The login commits twice (the count, then the judge); the judge's commit,
# which carries the count's to the standby, waits and is cancelled.
PGOPTIONS="-c statement_timeout=0" psql -X -At -h "$S" -p "$SP" -U host_a \
    -d awsmfa -c "CALL awsmfa.login('alice', '$c3', 60000, NULL, NULL, NULL)" \
    >"$SANDBOX/call.out" 2>&1 &
caller=$!
for i in $(seq 100); do
	kill -0 "$caller" 2>/dev/null || break
	sql postgres -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
	    WHERE usename = 'host_a' AND wait_event = 'SyncRep'" >/dev/null
	sleep 0.1
done
kill "$caller" 2>/dev/null
wait "$caller"
out=$(cat "$SANDBOX/call.out")
check "with no standby a commit waits; cancelled it warns" \
    grep -q 'WARNING:.*canceling wait for synchronous replication' <<<"$out"
# The commit happened locally: a client that took the reply for a yes
# would accept a code that a failover can forget.  lib's PostgreSQL store
# counts any WARNING as a refusal.
is "yet the code was burnt locally" "$((t3 / 30))" \
    "$(sql postgres -c "SELECT last_step FROM awsmfa.devices WHERE user_name = 'alice'")"
done_testing
