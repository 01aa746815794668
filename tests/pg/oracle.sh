#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A stolen host credential against the login (issue 17, rules 1, 4, 7):
# whatever a host does with its session (a transaction block, a failing
# statement, a savepoint, the two definer functions in any order, a
# cancel, a dropped connection), it learns whether a code is right only
# for a guess that was counted and recorded; a login the module gave up
# on never accepts later; every call leaves one attempts row, and the
# answer is result, device and reason only.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
command -v psql >/dev/null || skip_all "psql missing"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
if [ ! -x "$MODULE" ] || [ ! -x "$DRIVER" ]; then
	skip_all "module or driver not built"
fi

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
# Room for every guess of the test without a lockout or a quarantine, and
# a code of now valid for a minute either side.
sql postgres -c 'UPDATE awsmfa.settings SET max_failures = 1000, win = 2,
    host_failures_per_minute = 100000' >/dev/null
S=$(enrol carol)

# host: a host's session as host_a, its script on standard input, errors
# and all, with numbers (attempt ids) made alike.
host() {
	psql -X -q -At -h "$PG_DIR" -p "$PG_PORT" -U host_a -d awsmfa 2>&1 |
	    sed 's/[0-9][0-9]*/N/g'
}
state() {
	sql postgres -c "SELECT failures, (SELECT count(*) FROM awsmfa.attempts
	    WHERE user_name = 'carol'), (SELECT last_step IS NOT NULL FROM
	    awsmfa.devices WHERE user_name = 'carol')
	    FROM awsmfa.users WHERE name = 'carol'"
}
unspend() {
	sql postgres -c "UPDATE awsmfa.devices SET last_step = NULL
	    WHERE user_name = 'carol'" >/dev/null
}
right() { oathtool --totp -N "@$(date +%s)" "$S"; }
# wrong RIGHT: a code that is not RIGHT.
wrong() { printf '%06d' $(((10#$1 + 500000) % 1000000)); }
# The login as the module makes it: CALL, or on a schema before issue
# 17 the function, so that the attacks below can be checked there too.
if [ "$(sql postgres -c "SELECT count(*) FROM pg_proc WHERE proname =
    'login_count'")" = 1 ]; then
	LOGIN="CALL awsmfa.login('carol', '@C@', 3000, NULL, NULL, NULL)"
else
	LOGIN="SELECT result, device, reason FROM awsmfa.login('carol', '@C@')"
fi

# trick NAME SQL: SQL (a host's script, @C@ for the code) played with a
# wrong code, then with the right one.  When the two differ the host
# learnt something: the wrong guess must then have been counted and
# recorded, and the right code spent or counted.
trick() {
	local c w r s0 s1 s2
	unspend
	c=$(right)
	s0=$(state)
	w=$(host <<<"${2//@C@/$(wrong "$c")}")
	s1=$(state)
	r=$(host <<<"${2//@C@/$c}")
	s2=$(state)
	if [ "$w" = "$r" ]; then
		ok "$1: no oracle"
		return
	fi
	IFS='|' read -r f0 n0 _ <<<"$s0"
	IFS='|' read -r f1 n1 _ <<<"$s1"
	IFS='|' read -r f2 _ spent <<<"$s2"
	if [ "$f1" -gt "$f0" ] && [ "$n1" -gt "$n0" ] &&
	    { [ "$spent" = t ] || [ "$f2" -gt "$f1" ]; }; then
		ok "$1: an answer only for a counted guess"
	else
		not_ok "$1: an answer without a count ($s0 / $s1 / $s2)"
		diag "wrong: $w"
		diag "right: $r"
	fi
}

COUNT="SELECT attempt AS a FROM awsmfa.login_count('carol', '@C@', 3000) \\gset"
trick "BEGIN, the old function, ROLLBACK" "BEGIN;
    SELECT result FROM awsmfa.login('carol', '@C@'); ROLLBACK;"
trick "a failing statement after the old function" \
    "SELECT 1 / ((awsmfa.login('carol', '@C@')).result = 'ok')::int;"
trick "the old function in a savepoint" "BEGIN; SAVEPOINT s;
    SELECT result FROM awsmfa.login('carol', '@C@');
    ROLLBACK TO SAVEPOINT s; COMMIT;"
trick "BEGIN, CALL, ROLLBACK" "BEGIN; $LOGIN; ROLLBACK;"
trick "CALL and a failing statement in one query" "$LOGIN \\; SELECT 1 / 0;"
trick "count and judge in one transaction, rolled back" "BEGIN;
    SELECT j.result FROM awsmfa.login_count('carol', '@C@', 3000) c,
    LATERAL awsmfa.login_judge(c.attempt, '@C@') j; ROLLBACK;"
trick "count and judge in one statement" "SELECT j.result
    FROM awsmfa.login_count('carol', '@C@', 3000) c,
    LATERAL awsmfa.login_judge(c.attempt, '@C@') j;"
trick "count, then judge in a savepoint" "BEGIN; $COUNT
    SAVEPOINT s; SELECT result FROM awsmfa.login_judge(:a, '@C@');
    ROLLBACK TO SAVEPOINT s; COMMIT;"
trick "count committed, judge rolled back" "$COUNT
    BEGIN; SELECT result FROM awsmfa.login_judge(:a, '@C@'); ROLLBACK;"
trick "count committed, a failing statement after the judge" "$COUNT
    SELECT 1 / ((awsmfa.login_judge(:a, '@C@')).result = 'ok')::int;"

# A loop of guesses: each answer was paid for by a count and a row.
unspend
IFS='|' read -r f0 n0 _ <<<"$(state)"
for i in $(seq 10); do
	echo "BEGIN; SELECT result FROM awsmfa.login('carol', '00000$((i % 10))'); ROLLBACK;"
	echo "BEGIN; ${LOGIN//@C@/00001$((i % 10))}; ROLLBACK;"
	echo "${COUNT//@C@/00002$((i % 10))}"
	echo "BEGIN; SELECT result FROM awsmfa.login_judge(:a, '00002$((i % 10))'); ROLLBACK;"
done | host >"$SANDBOX/loop"
answers=$(grep -cE '^(ok|bad|reused|malformed|recovery_ok)$' "$SANDBOX/loop")
IFS='|' read -r f1 n1 _ <<<"$(state)"
check "a loop of 30 tries in rolled back transactions: $answers answers, $((f1 - f0)) counted, $((n1 - n0)) rows" \
    test "$((f1 - f0))" -ge "$answers" -a "$((n1 - n0))" -ge "$answers" \
    -a "$answers" -gt 0

# One judgement per count, of the input counted, by the host that counted.
unspend
c=$(right)
IFS='|' read -r f0 _ <<<"$(state)"
a=$(sql host_a -c "SELECT attempt FROM awsmfa.login_count('carol', '$(wrong "$c")', 3000)")
is "a count judged with another input: refused" "refused|not counted" \
    "$(sql host_a -c "SELECT result, reason FROM awsmfa.login_judge(${a:-0}, '$c')")"
is "the right code stays unspent, the count stays" "$((f0 + 1))|f" \
    "$(state | cut -d'|' -f1,3)"
a=$(sql host_a -c "SELECT attempt FROM awsmfa.login_count('carol', '$c', 3000)")
is "another host cannot judge a count" "refused|not counted" \
    "$(sql host_b -c "SELECT result, reason FROM awsmfa.login_judge(${a:-0}, '$c')")"
a=$(sql host_a -c "SELECT attempt FROM awsmfa.login_count('carol', '$c', 3000)")
is "a count judged: the code accepted" "ok|code accepted" \
    "$(sql host_a -c "SELECT result, reason FROM awsmfa.login_judge(${a:-0}, '$c')")"
is "once" "refused|not counted" \
    "$(sql host_a -c "SELECT result, reason FROM awsmfa.login_judge(${a:-0}, '$c')")"
is "each judgement of nothing counted left its row (host B's, the second)" \
    "host_a|refused|not counted|t host_b|refused|not counted|t" \
    "$(sql postgres -c "SELECT host_role, result, reason,
    awsmfa.host_charged(result, reason) FROM awsmfa.attempts
    WHERE reason = 'not counted' ORDER BY host_role" | tr '\n' ' ' |
    sed 's/ $//')"
a=$(sql host_a -c "SELECT attempt FROM awsmfa.login_count('carol', '000000', 1)")
sleep 0.1
is "a count judged after its deadline: refused" "refused|too late" \
    "$(sql host_a -c "SELECT result, reason FROM awsmfa.login_judge(${a:-0}, '000000')")"

# hold SECONDS SQL: SQL run as postgres in a transaction held open for
# SECONDS, in the background; HOLDER is its pid.
hold() {
	psql_as postgres -c "BEGIN" -c "$2" -c "SELECT pg_sleep($1)" \
	    -c "COMMIT" >/dev/null 2>&1 &
	HOLDER=$!
	sleep 0.3
}
DEVLOCK="SELECT 1 FROM awsmfa.devices WHERE user_name = 'carol' FOR UPDATE"
# shellcheck disable=SC2034 # read as ${!lock}
USERLOCK="SELECT 1 FROM awsmfa.users WHERE name = 'carol' FOR UPDATE"
# waiting: waits until host_a's backend waits for a lock; its pid.
waiting() {
	local i p
	for i in $(seq 40); do
		p=$(sql postgres -c "SELECT pid FROM pg_stat_activity WHERE
		    usename = 'host_a' AND wait_event_type = 'Lock'")
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# The right code, judged while the device's row is held: a cancel or a
# dropped connection stops the judge, and the count stays.
for how in cancel drop; do
	unspend
	c=$(right)
	IFS='|' read -r f0 n0 _ <<<"$(state)"
	hold 3 "$DEVLOCK"
	psql -X -q -At -h "$PG_DIR" -p "$PG_PORT" -U host_a -d awsmfa \
	    -c "${LOGIN//@C@/$c}" >/dev/null 2>&1 &
	client=$!
	pid=$(waiting)
	if [ "$how" = cancel ]; then
		sql postgres -c "SELECT pg_cancel_backend(${pid:-0})" >/dev/null
	else
		kill -KILL "$client"
	fi
	wait "$client" 2>/dev/null
	wait "$HOLDER"
	sleep 0.5
	IFS='|' read -r f1 n1 spent <<<"$(state)"
	is "a $how during the judge: the guess stays counted and recorded" \
	    "1 1" "$((f1 - f0)) $((n1 - n0))"
	is "and the code unspent" f "$spent"
done

# Rule 4: every lock wait of a login ends within what the module said it
# has left (3000 ms here), whoever holds the row and for how long.
hold 5 "$USERLOCK"
t0=$(date +%s%N)
out=$(psql -X -q -At -h "$PG_DIR" -p "$PG_PORT" -U host_a -d awsmfa \
    -c "${LOGIN//@C@/000000}" 2>&1)
t1=$(date +%s%N)
wait "$HOLDER"
check "a held user row: the login ends by its deadline ($(((t1 - t0) / 1000000)) ms)" \
    test $(((t1 - t0) / 1000000)) -lt 4000
is "refused, and the call left its row" "refused||user busy 1" \
    "$out $(sql postgres -c "SELECT count(*) FROM awsmfa.attempts
    WHERE user_name = 'carol' AND reason = 'user busy'")"

# The count locks the user's row in its own transaction, so an ordinary
# login makes no MultiXact (a lock taken in a subtransaction and the
# update after it would make one each: pressure on wraparound vacuum
# that a host could add to at will).
mx() {
	sql postgres -c CHECKPOINT \
	    -c "SELECT next_multixact_id FROM pg_control_checkpoint()"
}
m0=$(mx)
for i in 1 2 3; do host <<<"${LOGIN//@C@/00000$i}" >/dev/null; done
is "three logins make no MultiXact" "$m0" "$(mx)"

# Rule 4 through the module: another session holds a row the login
# needs; the module gives up at db_timeout (2 s); when the row is
# released, the code must still be unspent and nothing accepted later.
mkdir -p "$SANDBOX/pam.d"
cat >"$SANDBOX/h.conf" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_timeout = 2;
CONF
chmod 0644 "$SANDBOX/h.conf"
echo "auth required $MODULE conf=$SANDBOX/h.conf" >"$SANDBOX/pam.d/h"
echo "auth required $MODULE conf=$SANDBOX/h.conf nullok" \
    >"$SANDBOX/pam.d/h-nullok"
for lock in DEVLOCK USERLOCK; do
	unspend
	c=$(right)
	IFS='|' read -r f0 _ <<<"$(state)"
	hold 4 "${!lock}"
	r=$(pam_run "" -- "$DRIVER" -s h -u carol "$c" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1)
	is "a held row ($lock): the module gives up" \
	    PAM_AUTHINFO_UNAVAIL "$r"
	[ "$lock" = USERLOCK ] &&
	    is "the call left its row (the wait's own bound ran out first)" \
		"2" "$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts
		WHERE user_name = 'carol' AND reason = 'user busy'")"
	wait "$HOLDER"
	sleep 1
	IFS='|' read -r f1 _ spent <<<"$(state)"
	is "and once the row is free, the code is still unspent ($lock)" \
	    f "$spent"
	is "nothing accepted late ($lock)" 0 "$(sql postgres -c "SELECT
	    count(*) FROM awsmfa.attempts WHERE user_name = 'carol' AND
	    result = 'ok' AND at > now() - interval '6 seconds'")"
	[ "$lock" = DEVLOCK ] &&
	    is "the count stays (device held while judging)" \
		"$((f0 + 1))" "$f1"
done

# Rule 4 without a lock to wait for: a statement of the judge runs past
# db_timeout on its own (a slow trigger on the attempts row it updates,
# installed as the superuser), so lock_timeout cannot be what ends it.
# The statement_timeout the module sends with its CALL stops it on the
# server before the module gives up; the judge's transaction is rolled
# back: the code unspent, nothing accepted, and the count, committed by
# the first transaction of the CALL, kept with its row still 'pending'.
# Without it the server would run on after the module gave up, and
# commit the login (the code spent, the count undone) seconds later.
sql postgres -c "CREATE FUNCTION public.slow() RETURNS trigger
    LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(4); RETURN NEW; END \$\$" \
    -c "CREATE TRIGGER slow AFTER UPDATE ON awsmfa.attempts FOR EACH ROW
    EXECUTE FUNCTION public.slow()" >/dev/null
unspend
c=$(right)
IFS='|' read -r f0 n0 _ <<<"$(state)"
t0=$(date +%s%N)
r=$(pam_run "" -- "$DRIVER" -s h -u carol "$c" 2>&1 |
    sed -n 's/^result: //p' | tail -n 1)
ms=$((($(date +%s%N) - t0) / 1000000))
is "a slow statement in the judge: the module gives up" \
    PAM_AUTHINFO_UNAVAIL "$r"
check "within db_timeout (2 s; took $ms ms)" test "$ms" -lt 3000
sleep 0.3
is "the login's backend no longer runs it" "" "$(sql postgres -c "SELECT
    state || ' ' || wait_event FROM pg_stat_activity
    WHERE usename = 'host_a' AND state <> 'idle'")"
# Past the trigger's sleep: whatever the server would still commit, it
# has by now.
sleep 4
IFS='|' read -r f1 n1 spent <<<"$(state)"
is "once the statement would have ended, the code is still unspent" \
    f "$spent"
is "nothing accepted late" 0 "$(sql postgres -c "SELECT count(*)
    FROM awsmfa.attempts WHERE user_name = 'carol' AND result = 'ok' AND
    at > now() - interval '8 seconds'")"
last=$(sql postgres -c "SELECT result FROM awsmfa.attempts
    WHERE user_name = 'carol' ORDER BY id DESC LIMIT 1")
is "the count stays, its row 'pending'" "1 1 pending" \
    "$((f1 - f0)) $((n1 - n0)) $last"
sql postgres -c "DROP TRIGGER slow ON awsmfa.attempts" \
    -c "DROP FUNCTION public.slow()" >/dev/null

# Rule 7: any argument leaves one attempts row; the answer has three
# columns.
odd() {
	local n0 n1 out
	n0=$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts")
	out=$(sql host_a -c "CALL awsmfa.login($2, 3000, NULL, NULL, NULL)" 2>&1)
	n1=$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts")
	is "$1: one attempts row" 1 "$((n1 - n0))"
	is "$1: the answer" "$3" "$out"
}
odd "a name that is not UTF-8" "'\\xff6361', '123456'" \
    "nodevice||invalid user name"
odd "a NUL in the name" "'\\x6361006c', '123456'" \
    "nodevice||invalid user name"
odd "NULL arguments" "NULL, NULL" "nodevice||invalid user name"
odd "a name of 1 MB" "convert_to(repeat('x', 1048576), 'UTF8'), '123456'" \
    "nodevice||invalid user name"
odd "an input of 1 MB" "'carol', convert_to(repeat('1', 1048576), 'UTF8')" \
    "malformed||not a code"
# Through the module too, on each stack: the name as bytes to peek and
# has_user as to the login, so that a name that is not UTF-8 is refused
# and recorded rather than ending in a database error before the login.
# Under nullok it is a name without a record, like any other: ignored,
# and nothing judged.
modlogin() {
	local n0 n1 r
	n0=$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts")
	r=$(pam_run "" -- "$DRIVER" -s "$1" -u "$2" 123456 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1)
	n1=$(sql postgres -c "SELECT count(*) FROM awsmfa.attempts")
	echo "$r $((n1 - n0))"
}
is "the module: a name that is not UTF-8 refused, one attempts row" \
    "PAM_AUTH_ERR 1" "$(modlogin h $'\xff\xfeab')"
is "the module, nullok: a name that is not UTF-8 as any name without a record" \
    "$(modlogin h-nullok nosuchuser)" "$(modlogin h-nullok $'\xff\xfeab')"
is "the bytes of a name that is not UTF-8 are recorded escaped" '\377ca' \
    "$(sql postgres -c "SELECT user_name FROM awsmfa.attempts
	WHERE user_name LIKE '%377%' LIMIT 1")"
is "a host's answer has result, device and reason only" \
    "result device reason" "$(psql_as host_a -A -F' ' \
    -c "${LOGIN//@C@/000000}" | head -n 1)"
is "nothing a host may call tells a failure count or a lock time" 0 \
    "$(sql postgres -c "SELECT count(*) FROM pg_proc
	WHERE pronamespace = 'awsmfa'::regnamespace AND
	has_function_privilege('host_a', oid, 'EXECUTE') AND
	proargnames && ARRAY['failures', 'locked_until']")"
done_testing
