#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The store key on the PostgreSQL store: as on files (tests/attack/alias.sh),
# a record under the name as typed, else NSS's spelling of it, so that
# "DAEMON" on a case-insensitive NSS backend is asked for daemon's device.
# And what it costs (issue 17, rule 3's fleet goal): NSS is asked first,
# so a login whose name NSS spells as typed sends the database its login
# and nothing else; only a name NSS spells otherwise asks has_user, and
# when that fails the login fails closed.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
FOLD="$AWSMFA_BUILDDIR/tests/attack/.libs/nss_fold.so"
[ -x "$MODULE" ] || skip_all "module not built"
[ -r "$FOLD" ] || skip_all "nss_fold shim not built"

# daemon exists on every Debian system; NSS_FOLD_USER makes any case of it
# resolve to daemon, as a case-insensitive backend would.
export NSS_FOLD_USER=daemon
SANITIZERS=$AWSMFA_PRELOAD
AWSMFA_PRELOAD="$AWSMFA_PRELOAD $FOLD"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
sql postgres -c "UPDATE awsmfa.settings SET win = 5" \
    -c "ALTER SYSTEM SET track_functions = 'all'" \
    -c "SELECT pg_reload_conf()" >/dev/null
mkdir -p "$SANDBOX/pam.d"
cat >"$SANDBOX/h.conf" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_timeout = 5;
CONF
chmod 0644 "$SANDBOX/h.conf"
for a in "" nullok; do
	printf 'auth required %s conf=%s %s\nauth required pam_permit.so\n' \
	    "$MODULE" "$SANDBOX/h.conf" "$a" >"$SANDBOX/pam.d/h${a:+-$a}"
done

# auth SERVICE USER ANSWER...: the driver's output of one login.
auth() { pam_run "" -- "$DRIVER" -s "$1" -u "$2" "${@:3}" 2>&1; }
result() { echo "$1" | sed -n 's/^result: //p' | tail -n 1; }
prompts() { echo "$1" | grep -c '^prompt: '; }
totp() { oathtool --totp -N "@$(($(date +%s) + 30 * $2))" "$1"; }
# calls FUNCTION: how often the login roles have called it.  A login's
# server process reports its counts when it exits, after the client has
# gone: first wait until the peeks and logins number $SEEN.
calls() {
	local q="SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions
	    WHERE schemaname = 'awsmfa' AND funcname"
	for _ in $(seq 50); do
		[ "$(sql postgres -c "$q IN ('peek', 'login')")" -ge "$SEEN" ] &&
		    break
		sleep 0.1
	done
	sql postgres -c "$q = '$1'"
}

# In the sanitizer run the shim is built with them too: runtimes first.
check "the shim folds case" env LD_PRELOAD="$SANITIZERS $FOLD" \
    ASAN_OPTIONS=detect_leaks=0 /usr/bin/python3 -c \
    'import pwd, sys; sys.exit(pwd.getpwnam("DAEMON").pw_name != "daemon")'

s=$(enrol daemon) || { echo "Bail out! enrol failed"; exit 1; }
for u in DAEMON Daemon; do
	out=$(auth h-nullok "$u")
	is "$u under nullok: not ignored, the device is asked for" \
	    PAM_AUTH_ERR "$(result "$out")"
	is "$u under nullok: prompted" 1 "$(prompts "$out")"
done
is "DAEMON: daemon's code accepted" PAM_SUCCESS \
    "$(result "$(auth h DAEMON "$(totp "$s" 1)")")"
SEEN=3	# two peeks, a login
is "recorded under the account's name" "daemon ok" "$(sql postgres -c \
    "SELECT user_name, result FROM awsmfa.attempts ORDER BY id DESC
    LIMIT 1" | tr '|' ' ')"
is "a name NSS spells otherwise asked the database has_user" 3 \
    "$(calls has_user)"

# Records under both spellings: the one typed is used.
t=$(enrol DAEMON) || { echo "Bail out! enrol failed"; exit 1; }
is "records under both spellings: DAEMON's own code" PAM_SUCCESS \
    "$(result "$(auth h DAEMON "$(totp "$t" 1)")")"
is "and not daemon's" PAM_AUTH_ERR \
    "$(result "$(auth h DAEMON "$(totp "$s" 2)")")"
is "daemon still has its own" PAM_SUCCESS \
    "$(result "$(auth h daemon "$(totp "$s" 2)")")"
SEEN=6

# The common login: NSS spells the name as typed, and the database is
# asked for the login alone, with or without nullok (which peeks).
before=$(calls has_user)
is "daemon as NSS spells it: accepted" PAM_SUCCESS \
    "$(result "$(auth h daemon "$(totp "$s" 3)")")"
is "daemon under nullok: accepted" PAM_SUCCESS \
    "$(result "$(auth h-nullok daemon "$(totp "$s" 4)")")"
SEEN=9	# a login; a peek and a login
is "and has_user was not called" "$before" "$(calls has_user)"
out=$(auth h-nullok no-such-user-y)
SEEN=10
is "a name NSS does not know, under nullok: ignored as before" \
    PAM_SUCCESS "$(result "$out")"
is "without asking has_user" "$before" "$(calls has_user)"

# A store that cannot tell whether the typed spelling has a record (here
# has_user refused by a privilege taken away; a database error of any
# kind) fails the login: the typed name, without a record, would be a
# user without a device, and nullok would let "Daemon" in on the
# password alone.
sql postgres -c "REVOKE EXECUTE ON FUNCTION awsmfa.has_user(bytea)
    FROM awsmfa_host" >/dev/null
is "has_user failing: Daemon under nullok fails closed" \
    PAM_AUTHINFO_UNAVAIL "$(result "$(auth h-nullok Daemon)")"
is "daemon, one spelling, does not need it" PAM_SUCCESS \
    "$(result "$(auth h daemon "$(totp "$s" 5)")")"
done_testing
