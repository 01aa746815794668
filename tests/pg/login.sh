#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# awsmfa.login, made flat for speed, decides as schema version 1's did: a
# table of cases (devices by name, code lengths, windows, drift, one-time
# use, lockout and its expiry, recovery-shaped input) gives the same
# answers, saved state and audit lines under the login functions of v1
# (tests/pg/v1/login.sql) and under sql/login.sql.  A database with v1's
# functions is upgraded by mfa-enroll db-init: their helpers are gone and
# the table still holds.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v psql >/dev/null || skip_all "psql missing"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"

pg_start db || skip_all "could not start a PostgreSQL server"
check "db-init's SQL runs" db_init

S1=3132333435363738393031323334353637383930
S2=$(openssl rand -hex 20)
# Devices of one hour: a run of the table does not cross a step.
user() {
	echo "DELETE FROM awsmfa.users WHERE name = 't';
	    INSERT INTO awsmfa.users (name, failures, locked_until)
	    VALUES ('t', ${1:-0}, ${2:-0});"
}
# dev NAME SECRET [ALG DIGITS LAST_STEP DRIFT ACTIVE]: LAST_STEP from the
# current step on.
dev() {
	echo "INSERT INTO awsmfa.devices (user_name, name, alg, digits,
	    period, secret, active, created, last_step, drift) VALUES ('t',
	    '$1', '${3:-sha1}', ${4:-6}, 3600, awsmfa.seal(decode('$2', 'hex')),
	    ${7:-true}, 0, :c + ${5:-NULL}, ${6:-0});"
}
# code SECRET STEP [ALG DIGITS]: the code of the current step + STEP.
code() { echo "awsmfa.hotp(decode('$1', 'hex'), '${3:-sha1}', ${4:-6}, :c + $2)"; }
# lock: 0, or whether locked_until lies ahead (1) or behind (-1).
lock() {
	echo "CASE locked_until WHEN 0 THEN 0
	    ELSE sign(locked_until - awsmfa.now_s()) END"
}
# try CASE INPUT: the answer, the state it left and the audit line.  A
# host is told result, device and reason; the state is read from the
# table.  v1's login was a function (V1=1), now it is a procedure.
try() {
	echo "\\echo -n '$1|'"
	if [ "${V1:-0}" = 1 ]; then
		echo "SELECT result, device, reason FROM awsmfa.login('t', $2);"
	else
		echo "CALL awsmfa.login(convert_to('t', 'UTF8'),
		    convert_to($2, 'UTF8'), 30000, NULL, NULL, NULL);"
	fi
	echo "SELECT failures, $(lock),
	    (SELECT string_agg(name || ':' || coalesce((last_step - :c)::text,
		'-') || ':' || (last_used > 0), ',' ORDER BY name)
	    FROM awsmfa.devices WHERE user_name = 't'),
	    (SELECT result || '/' || coalesce(device, '-') || '/' || reason
	    FROM awsmfa.attempts ORDER BY id DESC LIMIT 1)
	    FROM awsmfa.users WHERE name = 't';"
}
cases() {
	echo "SELECT awsmfa.now_s() / 3600 AS c \gset"
	echo "DELETE FROM awsmfa.users WHERE name = 't';"
	try nouser "$(code $S1 0)"
	user; try nodevice "$(code $S1 0)"
	user; dev a $S1 sha1 6 NULL 0 false; try inactive "$(code $S1 0)"
	for off in -2 -1 0 1 2; do
		user; dev a $S1; try "step$off" "$(code $S1 "$off")"
	done
	user; dev a $S1 sha1 6 0; try reused "$(code $S1 0)"
	user; dev a $S1 sha1 6 0; try reused-older "$(code $S1 -1)"
	user; dev a $S1 sha1 6 0; try newer "$(code $S1 1)"
	user; dev a $S1 sha1 6 1; try behind-last "$(code $S1 0)"
	user; dev a $S1 sha1 6 5; try last-ahead "$(code $S1 0)"
	user; dev a $S1; dev b $S2; try second-device "$(code $S2 0)"
	user; dev a $S1 sha1 6 0; dev b $S1; try same-seed "$(code $S1 0)"
	user; dev a $S1 sha1 6 0; dev b $S2; try reused-and-bad "$(code $S1 0)"
	user; dev a $S1; dev c $S2 sha256 8; try seven-digits "'1234567'"
	user; dev a $S1; dev c $S2 sha256 8; try eight-wrong "$(code $S2 5 sha256 8)"
	user; dev a $S1; dev c $S2 sha256 8; try eight-right "$(code $S2 1 sha256 8)"
	user; dev c $S2 sha512 8; try six-for-eight "$(code $S2 0)"
	user; dev a $S1; try not-a-code "'!'"
	user; dev a $S1; try null "NULL"
	user; dev a $S1; try blank "' ' || $(code $S1 0)"
	user; dev a $S1; try recovery-shaped "'abcd-efgh-ijkl'"
	user 5 "awsmfa.now_s() + 100"; dev a $S1; try locked "$(code $S1 0)"
	user 5 "awsmfa.now_s() - 1"; dev a $S1; try expired-bad "$(code $S1 7)"
	user 5 "awsmfa.now_s() - 1"; dev a $S1; try expired-ok "$(code $S1 0)"
	user 4; dev a $S1; try fifth "$(code $S1 7)"
	user 2; dev a $S1; try ok-resets "$(code $S1 0)"
	echo "UPDATE awsmfa.settings SET lockout_seconds = 0;"
	user 4; dev a $S1; try lockout-off "$(code $S1 7)"
	echo "UPDATE awsmfa.settings SET lockout_seconds = 300, win = 2;"
	user; dev a $S1 sha1 6 NULL 3; try drift "$(code $S1 5)"
	user; dev a $S1 sha1 6 NULL 3; try drift-edge "$(code $S1 6)"
	echo "UPDATE awsmfa.settings SET win = 1;"
	echo "SELECT awsmfa.now_s() / 3600 = :c AS same_step;"
}
# table FILE: the cases' lines, run again if an hour began meanwhile.
table() {
	local i
	for i in 1 2; do
		cases | sql postgres >"$1" || return 1
		[ "$(tail -n 1 "$1")" = t ] && return 0
	done
	return 1
}
check "the cases run on sql/login.sql" table "$SANDBOX/new"
is "with an answer for each" 32 "$(grep -c '^[a-z][a-z0-9-]*|' "$SANDBOX/new")"
is "two devices with one seed: the one not yet used takes the code" \
    "same-seed|ok|b|code accepted" "$(grep '^same-seed' "$SANDBOX/new")"
is "a lock run out: one fresh try counted" \
    "expired-bad|bad||wrong code 1|0" "$(grep -A1 '^expired-bad' "$SANDBOX/new" |
    paste -sd' ' | cut -d'|' -f1-5)"

# The same table under v1's functions.
psql_as postgres -c 'SET ROLE awsmfa_owner' \
    -f "$AWSMFA_SRCDIR/tests/pg/v1/login.sql" -c 'RESET ROLE' \
    -f "$AWSMFA_SRCDIR/sql/grants.sql" >/dev/null
V1=1 check "the cases run on v1's login" table "$SANDBOX/v1"
# v1 called a user without a record "no active device"; now the words
# are the file store's ("no record"), the decision the same.
sed -i 's/|no record$/|no active device/; s/nodevice\/-\/no record/nodevice\/-\/no active device/' \
    "$SANDBOX/new"
check "v1 and now decide alike" diff "$SANDBOX/v1" "$SANDBOX/new"

# An upgrade from v1 by mfa-enroll db-init.
"$ENROLL" db-init --key-file "$SANDBOX/db.key" --conninfo \
    "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=postgres" >/dev/null
is "db-init upgrades a database with v1's login" 0 $?
is "v1's helpers are gone" 0 "$(sql postgres -c "SELECT count(*) FROM
    pg_proc WHERE pronamespace = 'awsmfa'::regnamespace AND proname IN
    ('try_codes', 'match', 'count_failure', 'audit')")"
check "the cases run after the upgrade" table "$SANDBOX/up"
sed -i 's/|no record$/|no active device/; s/nodevice\/-\/no record/nodevice\/-\/no active device/' \
    "$SANDBOX/up"
check "and decide as before" diff "$SANDBOX/v1" "$SANDBOX/up"
check "a login host still calls login" sql host_a -c \
    "CALL awsmfa.login('t', '000000', 5000, NULL, NULL, NULL)"
check "v1's function is gone, and its grant with it" bash -c "! psql -X -q \
    -h '$PG_DIR' -p $PG_PORT -U host_a -d awsmfa \
    -c \"SELECT awsmfa.login('t', '000000')\" 2>/dev/null"
done_testing
