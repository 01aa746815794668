#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A login waiting at its prompt holds no database connection (issue 17,
# rule 3).  Whoever can open a login's prompt without a password (the
# split_pass stack asks before pam_unix) could otherwise fill the server's
# max_connections, or a pooler's max_client_conn, and keep every host of
# the fleet out, break-glass accounts included, for as long as the prompts
# wait.  More logins than the server has slots wait at the prompt (plain,
# nullok and split_pass stacks) while another host logs in; answered after
# more than db_timeout, each still decides.  The same behind the README's
# pgbouncer.  And a database that answered before the prompt and is gone
# after it is not "unreachable": no break-glass.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
MKRECORD="$AWSMFA_BUILDDIR/tests/pam/mkrecord"
[ -x "$MODULE" ] || skip_all "module not built"

# 8 connections, one of them kept for superusers (this test's psql): 7
# for the login hosts.
SLOTS=7
WAITING=10
dir=$SANDBOX/db
mkdir -p "$dir"
chown postgres: "$dir"
runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres \
    >"$dir/initdb.log" 2>&1 || skip_all "initdb failed"
printf 'max_connections = %d\nsuperuser_reserved_connections = 1\n' \
    $((SLOTS + 1)) >>"$dir/data/postgresql.conf"
pg_run "$dir" "$(free_port)" || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null
mkdir -p "$SANDBOX/pam.d"

LOCAL=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$MKRECORD" write "$SANDBOX/store" emergency dev=phone "secret=$LOCAL"
# conf NAME CONNINFO: awsmfa.conf NAME with 2 s of db_timeout, and PAM
# services NAME (plain), NAME-nullok and NAME-split (README's split_pass
# stack, pam_permit standing for pam_unix: the password is not what this
# test is about).
conf() {
	cat >"$SANDBOX/$1.conf" <<CONF
store = "postgresql";
db_conninfo = "$2";
db_timeout = 2;
store_dir = "$SANDBOX/store";
db_break_glass = ["emergency"];
CONF
	chmod 0644 "$SANDBOX/$1.conf"
	local m="$MODULE conf=$SANDBOX/$1.conf"
	echo "auth required $m" >"$SANDBOX/pam.d/$1"
	echo "auth required $m nullok" >"$SANDBOX/pam.d/$1-nullok"
	printf 'auth required %s split_pass\nauth requisite pam_permit.so\nauth required %s nullok\n' \
	    "$m" "$m" >"$SANDBOX/pam.d/$1-split"
}
conf hosta "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a"
conf hostb "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_b"
auth() {
	pam_run "" -- "$DRIVER" -s "$1" -u "$2" "${@:3}" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
# totp SECRET K: the code K periods ahead (enrol spent the current one;
# the database's window is 3).
totp() { oathtool --totp -N "@$(($(date +%s) + 30 * $2))" "$1"; }

# wait_at_prompt TAG SERVICE USER: a login in the background that waits
# at its prompt for the line answer TAG LINE writes; its output in
# $SANDBOX/TAG.out.  The test keeps the fifo's other end open on a
# descriptor (FD[TAG]), so the login waits until answered.
declare -A FD
wait_at_prompt() {
	local f=$SANDBOX/$1.fifo fd
	mkfifo "$f"
	exec {fd}<>"$f"
	FD[$1]=$fd
	pam_run "" -- "$DRIVER" -s "$2" -u "$3" @stdin <"$f" \
	    >"$SANDBOX/$1.out" 2>&1 &
	at_exit "kill $! 2>/dev/null"
}
answer() { echo "$2" >&"${FD[$1]}"; }
# settled TAG...: waits up to 10 s until each login is at its prompt or
# has ended; prints how many are at the prompt.
settled() {
	local t n
	for _ in $(seq 100); do
		n=0
		for t in "$@"; do
			grep -q '^prompt: \|^result: ' "$SANDBOX/$t.out" 2>/dev/null &&
			    n=$((n + 1))
		done
		[ "$n" = $# ] && break
		sleep 0.1
	done
	n=0
	for t in "$@"; do
		grep -q '^result: ' "$SANDBOX/$t.out" || n=$((n + 1))
	done
	echo "$n"
}
# finished TAG...: waits up to 10 s for each login's result; prints how
# many ended in PAM_SUCCESS.
finished() {
	local t n
	for _ in $(seq 100); do
		n=0
		for t in "$@"; do
			grep -q '^result: ' "$SANDBOX/$t.out" && n=$((n + 1))
		done
		[ "$n" = $# ] && break
		sleep 0.1
	done
	n=0
	for t in "$@"; do
		if grep -q '^result: PAM_SUCCESS$' "$SANDBOX/$t.out"; then
			n=$((n + 1))
		else
			sed "s/^/# $t: /" "$SANDBOX/$t.out" >&2
		fi
	done
	echo "$n"
}
conns() {
	sql postgres -c "SELECT count(*) FROM pg_stat_activity WHERE usename = '$1'"
}

# Direct to PostgreSQL: WAITING logins on host A, more than the server's
# slots, a third each on the plain, nullok and split_pass stacks.
stacks=(hosta hosta-nullok hosta-split)
for i in $(seq "$WAITING"); do
	secret[i]=$(enrol "w$i")
done
sb=$(enrol zed)
tags=()
for i in $(seq "$WAITING"); do
	tags+=("d$i")
	wait_at_prompt "d$i" "${stacks[i % 3]}" "w$i"
done
is "$WAITING logins wait at the prompt, $SLOTS slots on the server" \
    "$WAITING" "$(settled "${tags[@]}")"
is "and hold no connection" 0 "$(conns host_a)"
is "meanwhile host B logs in" PAM_SUCCESS "$(auth hostb zed "$(totp "$sb" 1)")"
# Answered after db_timeout (2 s): the time at the prompt is not the
# database's.
# One after the other, as people answer: all at once, more logins than
# the server has slots would connect in the same instant, and the ones
# left over are refused by PostgreSQL (which is what the limit is for).
sleep 2.5
for i in $(seq "$WAITING"); do
	c=$(totp "${secret[i]}" 1)
	[ "${stacks[i % 3]}" = hosta-split ] && c="s3cret$c"
	answer "d$i" "$c"
	finished "d$i" >/dev/null 2>&1
done
is "answered after db_timeout, each waiting login decides" "$WAITING" \
    "$(finished "${tags[@]}")"

# Through the README's pgbouncer: max_client_conn below the number of
# waiting prompts.
if command -v pgbouncer >/dev/null; then
	B=$SANDBOX/pgb
	BPORT=$(free_port)
	MAXCLIENT=6
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
default_pool_size = 2
max_client_conn = $MAXCLIENT
logfile = $B/log
pidfile = $B/pid
INI
	echo 'local awsmfa root peer' >"$B/hba.conf"
	printf '"root" ""\n"host_a" ""\n' >"$B/users.txt"
	chown -R postgres: "$B"
	runuser -u postgres -- pgbouncer -d -q "$B/pgbouncer.ini" ||
	    { echo "Bail out! pgbouncer did not start"; exit 1; }
	at_exit "kill \$(cat '$B/pid') 2>/dev/null"
	conf pooled "host=$B port=$BPORT dbname=awsmfa user=root"
	tags=()
	n=$((MAXCLIENT + 2))
	for i in $(seq "$n"); do
		tags+=("p$i")
		wait_at_prompt "p$i" pooled "w$i"
	done
	is "$n logins wait at the prompt behind a pooler taking $MAXCLIENT clients" \
	    "$n" "$(settled "${tags[@]}")"
	is "another login on the same host gets through the pooler" PAM_SUCCESS \
	    "$(auth pooled zed "$(totp "$sb" 2)")"
	# One after the other, as above: the pooler's max_client_conn is
	# below their number.
	for i in $(seq "$n"); do
		answer "p$i" "$(totp "${secret[i]}" 2)"
		finished "p$i" >/dev/null 2>&1
	done
	is "and each waiting login decides" "$n" "$(finished "${tags[@]}")"
fi

# The database answered before the prompt (nullok's read of the code
# lengths) and is gone when the code comes: a database that failed during
# the login, not one that is not there.  Break-glass would let the
# account in with its local code.
enrol emergency >/dev/null
wait_at_prompt bg hosta-nullok emergency
is "a break-glass account waits at the prompt" 1 "$(settled bg)"
pg_ctl_as "$PG_DIR" -m fast -w stop >/dev/null
answer bg "$(oathtool --totp -b "$LOCAL" -N "@$(date +%s)")"
finished bg >/dev/null
is "database gone after it answered: no break-glass" \
    "result: PAM_AUTHINFO_UNAVAIL" "$(grep '^result: ' "$SANDBOX/bg.out")"
done_testing
