#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The deployment README.md gives for logins under 2 ms: a pgbouncer on the
# login host, in transaction mode, on a Unix socket that only root may use
# (peer), connecting to the database as the host's role.  Logins through
# it decide as without it (one-time use, a race with one winner, the
# host's role in the audit line); another local user cannot use it; with
# the database down the module still times out and break-glass works
# while pgbouncer waits for a server.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
command -v pgbouncer >/dev/null || skip_all "pgbouncer not installed"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
MKRECORD="$AWSMFA_BUILDDIR/tests/pam/mkrecord"
[ -x "$MODULE" ] || skip_all "module not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null

B=$SANDBOX/pgb
BPORT=$(free_port)
mkdir -m 0700 "$B"
cat >"$B/pgbouncer.ini" <<INI
[databases]
awsmfa = host=127.0.0.1 port=$PG_PORT dbname=awsmfa user=host_a
[pgbouncer]
listen_addr =
listen_port = $BPORT
unix_socket_dir = $B
unix_socket_mode = 0700
auth_type = hba
auth_hba_file = $B/hba.conf
auth_file = $B/users.txt
pool_mode = transaction
max_db_connections = 10
logfile = $B/log
pidfile = $B/pid
INI
echo 'local awsmfa root peer' >"$B/hba.conf"
printf '"root" ""\n"host_a" ""\n' >"$B/users.txt"
chown -R postgres: "$B"
chmod 0755 "$SANDBOX"
runuser -u postgres -- pgbouncer -d -q "$B/pgbouncer.ini" ||
    { echo "Bail out! pgbouncer did not start"; exit 1; }
at_exit "kill \$(cat '$B/pid') 2>/dev/null"

mkdir -p "$SANDBOX/pam.d"
LOCAL=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$MKRECORD" write "$SANDBOX/store" emergency dev=phone "secret=$LOCAL"
cat >"$SANDBOX/hosta.conf" <<CONF
store = "postgresql";
db_conninfo = "host=$B port=$BPORT dbname=awsmfa user=root";
db_timeout = 2;
store_dir = "$SANDBOX/store";
db_break_glass = ["emergency"];
CONF
chmod 0644 "$SANDBOX/hosta.conf"
echo "auth required $MODULE conf=$SANDBOX/hosta.conf" >"$SANDBOX/pam.d/hosta"
auth() {
	pam_run "" -- "$DRIVER" -s hosta -u "$1" "${@:2}" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
totp() { oathtool --totp -N "@$(($(date +%s) + $2))" "$1"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

s=$(enrol alice)
c=$(totp "$s" 30)
is "a code logs in through the pooler" PAM_SUCCESS "$(auth alice "$c")"
is "the same code again: refused" PAM_AUTH_ERR "$(auth alice "$c")"
is "the audit line names the host's role" "host_a reused" \
    "$(sql postgres -c "SELECT host_role || ' ' || result FROM
    awsmfa.attempts ORDER BY id DESC LIMIT 1")"
# The socket's folder and mode keep other users out; behind them the
# pooler's hba takes only root: the pooler's own user is refused.
check "another local user cannot use the pooler" \
    bash -c "! runuser -u postgres -- psql -X -q -h '$B' -p $BPORT -U root \
    -d awsmfa -c 'SELECT 1' 2>/dev/null"
check "nor call login as the host's role" \
    bash -c "! runuser -u postgres -- psql -X -q -h '$B' -p $BPORT -U host_a \
    -d awsmfa -c 'SELECT 1' 2>/dev/null"

# 16 logins at once with one code over the pooled connections: one wins.
sql postgres -c 'UPDATE awsmfa.settings SET max_failures = 100' >/dev/null
s=$(enrol bob)
c=$(totp "$s" 30)
for i in $(seq 16); do
	auth bob "$c" >"$SANDBOX/race.$i" &
done
wait
is "16 racing logins through the pooler with one code: one accepted" 1 \
    "$(cat "$SANDBOX"/race.* | grep -c PAM_SUCCESS)"
is "15 refused" 15 "$(cat "$SANDBOX"/race.* | grep -c PAM_AUTH_ERR)"
is "16 attempts recorded" 16 "$(sql postgres -c "SELECT count(*) FROM
    awsmfa.attempts WHERE user_name = 'bob'")"

# Rule 4 through the pooler: the statement_timeout the module sends with
# its CALL (in the same pipeline, so on the same server connection) stops
# a judge that runs long on its own, a slow trigger here, before the
# module gives up: nothing committed late, the count kept.  The setting
# is local to the call's transaction: the pooled connection that ran it
# is handed to the next client without it.
sql postgres -c "CREATE FUNCTION public.slow() RETURNS trigger
    LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(4); RETURN NEW; END \$\$" \
    -c "CREATE TRIGGER slow AFTER UPDATE ON awsmfa.attempts FOR EACH ROW
    EXECUTE FUNCTION public.slow()" >/dev/null
s=$(enrol dave)
c=$(totp "$s" 30)
step=$(sql postgres -c "SELECT last_step FROM awsmfa.devices
    WHERE user_name = 'dave'")
is "a slow judge through the pooler: the module gives up" \
    PAM_AUTHINFO_UNAVAIL "$(auth dave "$c")"
sleep 0.3
is "the server connection no longer runs it" "" "$(sql postgres -c "SELECT
    state || ' ' || wait_event FROM pg_stat_activity
    WHERE usename = 'host_a' AND state <> 'idle'")"
sleep 4
is "once it would have ended: the code unspent, the count kept" "$step|1" \
    "$(sql postgres -c "SELECT d.last_step, u.failures FROM awsmfa.devices d
    JOIN awsmfa.users u ON u.name = d.user_name WHERE u.name = 'dave'")"
is "no statement_timeout left on the pooled connections" "0 0 0" \
    "$(for _ in 1 2 3; do psql -X -At -h "$B" -p "$BPORT" -U root \
    -d awsmfa -c 'SHOW statement_timeout'; done | tr '\n' ' ' |
    sed 's/ $//')"
sql postgres -c "DROP TRIGGER slow ON awsmfa.attempts" \
    -c "DROP FUNCTION public.slow()" >/dev/null
is "and the code then logs in" PAM_SUCCESS "$(auth dave "$c")"

# The database down behind the pooler: pgbouncer holds the first client
# waiting for a server, so the module ends it at db_timeout with no answer,
# as a database that does not answer: break-glass for the account named.
# After a failed server login pgbouncer may answer the next clients with
# an error at once (server_login_retry): an answer, so everyone is
# refused, the named account too.
pg_ctl_as "$PG_DIR" -m fast -w stop >/dev/null
t0=$(ms)
is "database down: break-glass for the named account" PAM_SUCCESS \
    "$(auth emergency "$(oathtool --totp -b "$LOCAL" -N "@$(date +%s)")")"
check "after db_timeout (2 s; took $(($(ms) - t0)) ms)" test $(($(ms) - t0)) -lt 3000
t0=$(ms)
is "database down: PAM_AUTHINFO_UNAVAIL for the others" PAM_AUTHINFO_UNAVAIL \
    "$(auth alice "$(totp "$s" 30)")"
check "within db_timeout (2 s; took $(($(ms) - t0)) ms)" test $(($(ms) - t0)) -lt 3000
done_testing
