#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Sustained load: rounds of parallel logins over many users through the
# real libpam (tests/faults/loadgen: pam_start_confdir, no pam_wrapper, no
# fail delay), with mfa-enroll writing alongside (recovery-codes rewrites
# the very records being logged into; create and deactivate of others).
# Each round, at its own faked time: every user's fresh code sent by two
# workers at once, a wrong code and a code of the previous round; then,
# one step later, the fresh code replayed.  Wanted: exactly one of the two
# wins, everything else refused, no code accepted twice, every mfa-enroll
# run succeeds, and the store is sound at the end.  Prints logins/s.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/faults/faultlib.sh"

LOADGEN="$AWSMFA_BUILDDIR/tests/faults/loadgen"
USERS=${AWSMFA_LOAD_USERS:-200}
WORKERS=${AWSMFA_LOAD_WORKERS:-3}
BUDGET=${AWSMFA_LOAD_SECONDS:-20}	# seconds of logins, at least 2 rounds
MAXROUNDS=40
[ -x "$LOADGEN" ] || skip_all "loadgen not built"

write_conf "max_failures = 1000;"
service mfa "auth required $MODULE conf=$CONF"
W="$SANDBOX/work"
mkdir -p "$W"

# One secret per user, and from oathtool every code from the step before
# round 0 on: line k of $W/codes.U is step S0 - 4 + k.
S0=$(step $T0)
python3 -c 'import base64, os, sys
for i in range(int(sys.argv[1])):
    print(base64.b32encode(os.urandom(20)).decode())' "$USERS" >"$W/secrets"
i=0
while read -r s; do
	u=$(printf 'u%03d' "$i")
	"$MKRECORD" write "$STORE" "$u" dev=phone "secret=$s"
	oathtool --totp -b "$s" -N "@$((T0 - 120))" -w $((4 * MAXROUNDS + 8)) \
	    >"$W/codes.$u"
	echo "$u" >>"$W/users"
	printf '%s %s\n' "$u" "$(tr '\n' ' ' <"$W/codes.$u")" >>"$W/table"
	i=$((i + 1))
done <"$W/secrets"

# frozen TIME: a libfaketime time that stands still.
frozen() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

# phase TIME TASKS-PREFIX: runs the workers' task files at TIME at once.
phase() {
	local k pids=()
	for k in $(seq 0 $((WORKERS - 1))); do
		LD_PRELOAD="$AWSMFA_PRELOAD $FAKETIME_LIB" \
		    FAKETIME="$(frozen "$1")" \
		    "$LOADGEN" "$SANDBOX/pam.d" mfa <"$2.$k" >>"$W/results.$k" &
		pids+=($!)
	done
	wait "${pids[@]}"
}

# Tasks of round R: "TAG USER CODE" lines, per worker, from $W/table
# (a user and its codes per line: field k + 2 is step S0 - 4 + k).
tasks() {
	rm -f "$W"/a.* "$W"/b.*
	awk -v r="$1" -v nw="$WORKERS" -v dir="$W" '
	{
		i = NR - 1; k = i % nw
		fresh = $(4 * r + 6); old = $(4 * r + 2)
		wrong = sprintf("%06d", (fresh + 500000) % 1000000)
		# Not one of the codes the window accepts.
		while (wrong == $(4 * r + 5) || wrong == fresh ||
		    wrong == $(4 * r + 7))
			wrong = sprintf("%06d", (wrong + 1) % 1000000)
		print r ".fresh", $1, fresh >(dir "/a." k)
		print r ".fresh", $1, fresh >(dir "/a." (i + 1) % nw)
		print r ".wrong", $1, wrong >(dir "/a." (i + 2) % nw)
		print r ".old", $1, old >(dir "/a." k)
		print r ".replay", $1, fresh >(dir "/b." k)
	}' "$W/table"
}

# mfa-enroll alongside, until $W/stop exists; one line per run.
enroller() {
	local j=0 u
	while [ ! -e "$W/stop" ]; do
		u=$(sed -n "$((j * 7 % USERS + 1))p" "$W/users")
		mfa recovery-codes "$u" --count 1 >/dev/null 2>>"$W/enroll.err" &&
		    echo "ok recovery-codes $u" || echo "FAIL recovery-codes $u"
		if [ $((j % 4)) = 0 ]; then
			mfa create "x$j" --qr none </dev/null >/dev/null \
			    2>>"$W/enroll.err" && echo "ok create x$j" ||
			    echo "FAIL create x$j"
			mfa deactivate "x$j" --all >/dev/null \
			    2>>"$W/enroll.err" && echo "ok deactivate x$j" ||
			    echo "FAIL deactivate x$j"
		fi
		j=$((j + 1))
	done >"$W/enroll.log"
}

enroller &
epid=$!
at_exit "touch '$W/stop'; kill $epid 2>/dev/null; wait $epid 2>/dev/null"

# now: seconds since the epoch, to the nanosecond.
now() { date +%s.%N; }
# since START: seconds from START to now.
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.3f", e - s }'; }

r=0
busy=0
while [ "$r" -lt 2 ] || { [ "$r" -lt "$MAXROUNDS" ] &&
    awk -v b="$busy" -v l="$BUDGET" 'BEGIN { exit !(b < l) }'; }; do
	tasks "$r"
	t=$((T0 + 120 * r))
	t1=$(now)
	phase "$t" "$W/a"
	phase $((t + 30)) "$W/b"
	busy=$(awk -v b="$busy" -v d="$(since "$t1")" 'BEGIN { print b + d }')
	r=$((r + 1))
done
touch "$W/stop"
wait $epid
ROUNDS=$r

cat "$W"/results.* >"$W/results"
total=$(wc -l <"$W/results")
rate=$(awk -v n="$total" -v b="$busy" 'BEGIN { printf "%.0f", n / b }')
diag "$USERS users, $WORKERS workers, $ROUNDS rounds: $total logins in" \
    "$(printf '%.1f' "$busy") s," \
    "$rate logins/s, with $(grep -c '^ok' "$W/enroll.log") mfa-enroll runs alongside"
is "every login ran" $((ROUNDS * USERS * 5)) "$total"

# Fresh codes: one win and one refusal per user and round; the rest refused.
unexpected=$(awk '
	{ split($1, t, "."); kind = t[2] }
	kind == "fresh" { n[$1 " " $2]++; if ($4 == "SUCCESS") w[$1 " " $2]++
		else if ($4 != "AUTH_ERR") print }
	kind != "fresh" && $4 != "AUTH_ERR" { print }
	END { for (k in n) if (n[k] != 2 || w[k] != 1)
		print k, n[k] " tries, " w[k] + 0 " wins" }' "$W/results")
is "0 unexpected results" 0 "$(printf '%s' "$unexpected" | grep -c .)"
[ -z "$unexpected" ] ||
    printf '%s\n' "$unexpected" | head -n 10 | sed 's/^/#   /'
is "successes: one per user and round" $((ROUNDS * USERS)) \
    "$(grep -c ' SUCCESS$' "$W/results")"
# Per round: across rounds a user's device shows the same 6 digits
# again now and then (a few in a hundred runs of 200 users), which is
# not a code accepted twice.
is "0 double accepts" "" \
    "$(awk '$4 == "SUCCESS" { split($1, t, "."); print t[1], $2, $3 }' \
    "$W/results" | sort | uniq -d)"
is "every mfa-enroll run succeeded" "" \
    "$(grep -v '^ok' "$W/enroll.log"
	grep -v '^mfa-enroll: warning: user .* is not known' "$W/enroll.err")"

# Every record holds the last round's step.
last=$((S0 + 4 * (ROUNDS - 1)))
bad=$(while read -r u; do
	show "$u" | grep -qx "phone.last_step=$last" || echo "$u"
done <"$W/users")
is "every user's last accepted step is on disk" "" "$bad"
store_sound "after the load"

done_testing
