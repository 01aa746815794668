#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What synchronous replication buys: a code accepted on the primary is
# refused on a synchronous standby promoted after the primary died; with
# the standby gone, a commit waits, and cancelling that wait still
# reports the update with a WARNING that the caller must read as a
# refusal.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"

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
for i in $(seq 50); do
	[ "$(sql postgres -d postgres -c 'SELECT sync_state FROM pg_stat_replication')" = sync ] && break
	sleep 0.2
done
is "the standby is synchronous" sync \
    "$(sql postgres -d postgres -c 'SELECT sync_state FROM pg_stat_replication')"

check "db-init on the primary" db_init
# Codes one and two periods ahead stay in the window for the whole test.
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null
secret=$(enrol alice)
c=$(oathtool --totp -N "@$(($(date +%s) + 30))" "$secret")
is "a code accepted on the primary" "ok code accepted 0" \
    "$(login host_a alice "$c")"

pg_ctl_as "$P" -m immediate -w stop >/dev/null
check "the standby is promoted" pg_ctl_as "$S" -w promote
PG_DIR=$S PG_PORT=$SP
for i in $(seq 50); do
	[ "$(sql postgres -c 'SELECT pg_is_in_recovery()')" = f ] && break
	sleep 0.2
done
is "the same code on the promoted standby: already used" \
    "reused code already used 1" "$(login host_b alice "$c")"
c2=$(oathtool --totp -N "@$(($(date +%s) + 60))" "$secret")
is "a fresh code there: accepted" "ok code accepted 0" \
    "$(login host_b alice "$c2")"

# The promoted server now waits for a standby it does not have.
sql postgres -c "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (s2)'" \
    -c 'SELECT pg_reload_conf()' >/dev/null
t3=$(($(date +%s) + 90))
c3=$(oathtool --totp -N "@$t3" "$secret")
# The login commits twice (the count, then the judge): each commit waits
# for the standby, and each wait is cancelled.
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
