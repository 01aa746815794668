#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The module on a PostgreSQL store: two PAM configurations with their own
# database roles stand for two hosts.  Enrol once, log in on both; a code
# used on one is refused on the other; lockout and races are fleet-wide;
# a database that is down, mute or waiting for a standby is refused
# within db_timeout, and an answer that came with a WARNING is refused.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$MODULE" ] || skip_all "module not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
mkdir -p "$SANDBOX/pam.d"

# host NAME ROLE [CONNINFO-EXTRA] [TIMEOUT]: awsmfa.conf and a PAM service
# NAME for a host that logs in to the database as ROLE.
host() {
	cat >"$SANDBOX/$1.conf" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=$2 ${3:-}";
db_timeout = ${4:-5};
window = 1;
CONF
	chmod 0644 "$SANDBOX/$1.conf"
	echo "auth required $MODULE conf=$SANDBOX/$1.conf" >"$SANDBOX/pam.d/$1"
}
host hosta host_a
host hostb host_b
# auth SERVICE USER ANSWER...: the result of one login through libpam.
auth() {
	pam_run "" -- "$DRIVER" -s "$1" -u "$2" "${@:3}" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
totp() { oathtool --totp -N "@$(($(date +%s) + $2))" "$1"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# The database's window: codes up to three periods ahead stay valid for
# the whole test.
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null
s=$(enrol alice)
c=$(totp "$s" 30)
is "enrolled once, a code logs in on host A" PAM_SUCCESS "$(auth hosta alice "$c")"
is "the same code on host B: refused" PAM_AUTH_ERR "$(auth hostb alice "$c")"
is "a fresh code on host B" PAM_SUCCESS "$(auth hostb alice "$(totp "$s" 60)")"
is "a user without a device is refused" PAM_AUTH_ERR "$(auth hosta nobody1 123456)"
is "input with blanks around is accepted as on files" PAM_SUCCESS \
    "$(auth hosta alice " $(totp "$s" 90) ")"

# Lockout counted across both hosts.
s=$(enrol carol)
for i in 1 2 3 4 5; do
	auth "host$([ $((i % 2)) = 0 ] && echo a || echo b)" carol 000000 >/dev/null
done
is "five failures over two hosts lock on both (A)" PAM_MAXTRIES \
    "$(auth hosta carol "$(totp "$s" 30)")"
is "and B" PAM_MAXTRIES "$(auth hostb carol "$(totp "$s" 30)")"
is "the failures are in the database" "5" \
    "$(sql postgres -c "SELECT failures FROM awsmfa.users WHERE name = 'carol'")"

# 32 logins at once over both hosts with one code: one wins.
sql postgres -c 'UPDATE awsmfa.settings SET max_failures = 100' >/dev/null
s=$(enrol bob)
c=$(totp "$s" 30)
for i in $(seq 32); do
	auth "host$([ $((i % 2)) = 0 ] && echo a || echo b)" bob "$c" \
	    >"$SANDBOX/race.$i" &
done
wait
is "32 racing logins with one code over two hosts: one accepted" 1 \
    "$(cat "$SANDBOX"/race.* | grep -c PAM_SUCCESS)"
is "31 refused" 31 "$(cat "$SANDBOX"/race.* | grep -c PAM_AUTH_ERR)"
sql postgres -c 'UPDATE awsmfa.settings SET max_failures = 5' >/dev/null

s=$(enrol dave)
# A peer that listens and never answers: refused within db_timeout.
mute_peer
port=$MUTE_PORT
cat >"$SANDBOX/mute.conf" <<CONF
store = "postgresql";
db_conninfo = "host=127.0.0.1 port=$port dbname=awsmfa user=host_a";
db_timeout = 2;
CONF
chmod 0644 "$SANDBOX/mute.conf"
echo "auth required $MODULE conf=$SANDBOX/mute.conf" >"$SANDBOX/pam.d/mute"
t0=$(ms)
is "a database that never answers: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$(auth mute dave "$(totp "$s" 30)")"
check "within db_timeout (2 s; took $(($(ms) - t0)) ms)" test $(($(ms) - t0)) -lt 3000

# The database down, then back.  Break-glass: the one account named in
# db_break_glass falls back to the local file store, loudly.
MKRECORD="$AWSMFA_BUILDDIR/tests/pam/mkrecord"
LOCAL=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$MKRECORD" write "$SANDBOX/store" emergency dev=phone "secret=$LOCAL"
"$MKRECORD" write "$SANDBOX/store" dave dev=phone "secret=$LOCAL"
host hosta host_a "" 2
cat >>"$SANDBOX/hosta.conf" <<CONF
store_dir = "$SANDBOX/store";
db_break_glass = ["emergency", "norecord"];
CONF
# nullok, as pam-auth-update's profile has it.
echo "auth required $MODULE conf=$SANDBOX/hosta.conf nullok" \
    >"$SANDBOX/pam.d/hostanull"
lcode() { oathtool --totp -b "$LOCAL" -N "@$(date +%s)"; }
is "database up: the named account is asked of the database (no device there)" \
    PAM_AUTH_ERR "$(auth hosta emergency "$(lcode)")"
pg_ctl_as "$PG_DIR" -m fast -w stop >/dev/null
t0=$(ms)
is "database down: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$(auth hosta dave "$(totp "$s" 30)")"
check "at once (took $(($(ms) - t0)) ms)" test $(($(ms) - t0)) -lt 1500
is "nor does a local record help an account not named" PAM_AUTHINFO_UNAVAIL \
    "$(auth hosta dave "$(lcode)")"
out=$(pam_run "" -- "$DRIVER" -s hosta -u emergency "$(lcode)" 2>&1)
is "break-glass: the named account logs in with the local file store" \
    PAM_SUCCESS "$(sed -n 's/^result: //p' <<<"$out")"
check "and it is logged as an alert line" \
    grep -q 'result=break-glass reason="database unreachable' <<<"$out"
is "a named account without a local device is refused, nullok or not" \
    PAM_AUTHINFO_UNAVAIL "$(auth hostanull norecord "$(lcode)")"

pg_ctl_as "$PG_DIR" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
is "back up: the same code logs in" PAM_SUCCESS \
    "$(auth hosta dave "$(totp "$s" 30)")"
# Break-glass is for a database that is not there, not for one that
# said no or a caller who made the connection fail.
"$MKRECORD" write "$SANDBOX/store" nosuch dev=phone "secret=$LOCAL"
host hostz nosuchrole "" 2
cat >>"$SANDBOX/hostz.conf" <<CONF
store_dir = "$SANDBOX/store";
db_break_glass = ["nosuch"];
CONF
out=$(pam_run "" -- "$DRIVER" -s hostz -u nosuch "$(lcode)" 2>&1)
is "a server that refuses the role (FATAL) is not down: no break-glass" \
    PAM_AUTHINFO_UNAVAIL "$(sed -n 's/^result: //p' <<<"$out" | tail -n 1)"
junk=()
for i in $(seq 1 100); do junk+=("PGJUNK$i=x"); done
"$MKRECORD" write "$SANDBOX/store" jun dev=phone "secret=$LOCAL"
host hostj host_a
cat >>"$SANDBOX/hostj.conf" <<CONF
store_dir = "$SANDBOX/store";
db_break_glass = ["jun"];
CONF
is "100 PG* variables of the caller do not make the database look down" \
    PAM_AUTH_ERR "$(export "${junk[@]}"; auth hostj jun "$(lcode)")"
cat >"$SANDBOX/muteb.conf" <<CONF
store = "postgresql";
db_conninfo = "host=127.0.0.1 port=$MUTE_PORT dbname=awsmfa user=host_a";
db_timeout = 1;
store_dir = "$SANDBOX/store";
db_break_glass = ["emergency"];
CONF
chmod 0644 "$SANDBOX/muteb.conf"
echo "auth required $MODULE conf=$SANDBOX/muteb.conf" >"$SANDBOX/pam.d/muteb"
# The next period's code: this one was spent by the break-glass above.
ncode() { oathtool --totp -b "$LOCAL" -N "@$(($(date +%s) + 30))"; }
is "no answer by db_timeout, in a process root runs: break-glass" \
    PAM_SUCCESS "$(auth muteb emergency "$(ncode)")"
is "the same under su or sudo (real uid not root): no break-glass" \
    PAM_AUTHINFO_UNAVAIL "$(pam_run "" -- setpriv --ruid 65534 -- "$DRIVER" \
    -s muteb -u emergency "$(oathtool --totp -b "$LOCAL" -N \
    "@$(($(date +%s) + 60))")" 2>&1 | sed -n 's/^result: //p' | tail -n 1)"
# libpq takes what the conninfo leaves out from the environment, which
# under su or sudo is the caller's: none of it may steer the module.
printf '[evil]\nhost=127.0.0.1\nport=%s\ndbname=postgres\n' "$(free_port)" \
    >"$SANDBOX/evil.conf"
is "the caller's PGSERVICE, PGHOSTADDR and PGOPTIONS change nothing" PAM_SUCCESS \
    "$(PGSERVICEFILE=$SANDBOX/evil.conf PGSERVICE=evil PGHOSTADDR=127.0.0.2 \
    PGOPTIONS='-c default_transaction_read_only=on -c client_min_messages=error' \
    auth hosta dave "$(totp "$s" 60)")"

# An error at commit, after the row that said "ok": the transaction was
# rolled back, so the answer is no answer and the code stays unspent.
sql postgres -c "CREATE FUNCTION public.boom() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RAISE EXCEPTION 'refused at commit'; END\$\$" \
    -c "CREATE CONSTRAINT TRIGGER boom AFTER UPDATE ON awsmfa.users DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.boom()" >/dev/null
c=$(totp "$s" 90)
is "an error at commit after an ok row: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$(auth hosta dave "$c")"
sql postgres -c "DROP TRIGGER boom ON awsmfa.users" >/dev/null
is "and the code was not spent" PAM_SUCCESS "$(auth hosta dave "$c")"

# A primary that waits for a synchronous standby it does not have: the
# login is refused within db_timeout and never cancelled (a cancelled
# commit is committed all the same).
sql postgres -c "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (nobody)'" \
    -c 'SELECT pg_reload_conf()' >/dev/null
t0=$(ms)
c=$(totp "$s" 60)
is "a commit waiting for a standby: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$(auth hosta dave "$c")"
check "within db_timeout (2 s; took $(($(ms) - t0)) ms)" test $(($(ms) - t0)) -lt 3000
# Someone cancels such a wait: the server warns and reports the row.
host hosta host_a "" 10
c=$(totp "$s" 90)
auth hosta dave "$c" >"$SANDBOX/warned" &
waiter=$!
for i in $(seq 50); do
	sql postgres -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'host_a' AND wait_event = 'SyncRep'" | grep -qx 1 && break
	sleep 0.1
done
sql postgres -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE usename = 'host_a' AND wait_event = 'SyncRep'" >/dev/null
wait "$waiter"
is "an answer that came with a WARNING: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$(cat "$SANDBOX/warned")"
sql postgres -c "ALTER SYSTEM RESET synchronous_standby_names" \
    -c 'SELECT pg_reload_conf()' >/dev/null
is "and the code it burnt stays burnt" PAM_AUTH_ERR "$(auth hostb dave "$c")"
done_testing
