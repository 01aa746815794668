#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# SIGKILL at the write-path system calls of every writer: logins that
# accept, refuse or burn a recovery code, and every mfa-enroll verb.  strace
# kills the writer on entering its Nth CALL; the points are every such
# call after the configuration is read, shuffled with a seed
# (AWSMFA_FAULT_SEED, printed) and the first AWSMFA_KILLS (default 340)
# taken.  Should a point move (a run making one call more or fewer than
# the run that found it), a writer that ends without being killed is
# checked the same way but not counted.  After each kill: the store is the writer's old or new state (its
# logical dump, tokens read by the rule of lib/store_token.c), `list --json`
# parses, `check` exits 0, a code accepted before is refused, the state's
# own codes behave (a token left free can be enabled by another user), and
# a fresh code of a bystander logs in.
. "$AWSMFA_SRCDIR/tests/faults/crashlib.sh"

SEED=${AWSMFA_FAULT_SEED:-10}
KILLS=${AWSMFA_KILLS:-340}
MIN=300
# A sample asked for (distcheck's second run) needs nearly all of it.
[ -n "${AWSMFA_KILLS:-}" ] && MIN=$((KILLS * 5 / 6))
# Under the sanitizers every run costs twice as much; the gcc suite covers
# the points, this one a seeded sample of them.
if [ -n "$AWSMFA_PRELOAD" ] && [ -z "${AWSMFA_KILLS:-}" ]; then
	KILLS=60
	MIN=50
	diag "under the sanitizers: a sample of $KILLS kills"
fi
JSON="$SANDBOX/json"
mkdir -p "$JSON"
make_initial_store

# want WHAT EXPECTED ACTUAL: a failed expectation becomes a diagnostic
# and a failure of this kill.
bad=0
want() {
	[ "$2" = "$3" ] && return 0
	diag "$CASE: $1: expected $2, got $3"
	bad=1
}

enables() {
	mfa_at $((T + 60)) enable gus "$1" "$(hcode $((T + 30)) "$2")" \
	    "$(hcode $((T + 60)) "$2")" >/dev/null 2>&1
	echo $?
}

# behaves WRITER old|new: the codes and tokens of that state.
behaves() {
	local n=$((T + 30))
	case $1:$2 in
	login_ok:new)
		want "the accepted code again" PAM_AUTH_ERR \
		    "$(login $n alice "$(code "$T")")" ;;
	login_recovery:*|recovery:*)
		want "alice's first recovery code" \
		    "$([ "$2" = new ] && echo PAM_AUTH_ERR || echo PAM_SUCCESS)" \
		    "$(login $n alice "$RC")" ;;
	enable_virtual:new)
		want "enable's CODE2 as a login" PAM_AUTH_ERR \
		    "$(login $n bob "$(code "$T" "$SB")")"
		want "bob's fresh code" PAM_SUCCESS \
		    "$(login $n bob "$(code $n "$SB")")" ;;
	enable_hw:new|enable_hw_claimed:new)
		local hex=$HW2
		[ "$1" = enable_hw_claimed ] && hex=$HW3
		want "enable's CODE2 as a login" PAM_AUTH_ERR \
		    "$(login $n erin "$(hcode "$T" $hex)")"
		want "erin's fresh token code" PAM_SUCCESS \
		    "$(login $n erin "$(hcode $n $hex)")" ;;
	enable_hw:old)
		want "gus enables the free HW2" 0 "$(enables HW2 $HW2)" ;;
	enable_hw_claimed:old)
		want "gus enables the free HW3" 0 "$(enables HW3 $HW3)" ;;
	resync:new)
		want "resync's CODE2 as a login" PAM_AUTH_ERR \
		    "$(login $n carl "$(code $((T + 300)) "$SC")")"
		want "carl's code after the drift" PAM_SUCCESS \
		    "$(login $n carl "$(code $((T + 330)) "$SC")")" ;;
	resync:old)
		want "carl's code without drift" PAM_SUCCESS \
		    "$(login $n carl "$(code $n "$SC")")" ;;
	deactivate_*:new)
		want "gus enables the freed HW1" 0 "$(enables HW1 $HW1)" ;;
	unlock:new)
		want "lou's fresh code" PAM_SUCCESS \
		    "$(login $n lou "$(code $n "$SZ")")" ;;
	unlock:old)
		want "lou still locked out" PAM_MAXTRIES \
		    "$(login $n lou "$(code $n "$SZ")")" ;;
	deactivate_*:old)
		want "dora's token still logs in" PAM_SUCCESS \
		    "$(login $n dora "$(hcode $n $HW1)")" ;;
	esac
	if [ "$1" = login_ok ] || [ "$1" = login_bad ]; then
		want "the code spent before the kill" PAM_AUTH_ERR \
		    "$(login $n alice "$(code $((T - 30)))")"
		want "alice's fresh code" PAM_SUCCESS \
		    "$(login $n alice "$(code $n)")"
	fi
	want "the bystander's spent code" PAM_AUTH_ERR \
	    "$(login $n zed "$(code $((T - 30)) "$SZ")")"
	want "the bystander's fresh code" PAM_SUCCESS \
	    "$(login $n zed "$(code $n "$SZ")")"
}

# The old and new state of every writer, and its kill points.
: >"$SANDBOX/points"
for w in $WRITERS; do
	reset_store
	state >"$SANDBOX/old.$w"
	points "$w" | sed "s/^/$w /" >>"$SANDBOX/points"
	state >"$SANDBOX/new.$w"
	if cmp -s "$SANDBOX/old.$w" "$SANDBOX/new.$w"; then
		not_ok "$w changes the store"
	fi
done
total=$(wc -l <"$SANDBOX/points")
diag "seed $SEED: $KILLS of $total kill points"
# One point of each writer first, so that a small sample (the sanitizer
# run's) still kills every writer; then the others in shuffled order.
shuf --random-source=<(yes "$SEED") "$SANDBOX/points" >"$SANDBOX/shuffled"
awk '!seen[$1]++' "$SANDBOX/shuffled" >"$SANDBOX/chosen"
rest=$((KILLS - $(wc -l <"$SANDBOX/chosen")))
[ "$rest" -gt 0 ] &&
    awk 'seen[$1]++' "$SANDBOX/shuffled" | head -n "$rest" >>"$SANDBOX/chosen"

kills=0 old=0 new=0 failed_kills=0 notkilled=0
declare -A per
while read -r w call k; do
	CASE="$w killed at $call #$k"
	reset_store
	writer "$w"
	rc=$(inject "$call" signal=KILL "$k")
	bad=0
	if [ "$rc" -ne 137 ]; then
		notkilled=$((notkilled + 1))
		diag "$CASE: not killed (exit $rc)"
	else
		kills=$((kills + 1))
	fi
	state >"$SANDBOX/now" 2>&1
	if cmp -s "$SANDBOX/now" "$SANDBOX/old.$w"; then
		s=old
	elif cmp -s "$SANDBOX/now" "$SANDBOX/new.$w"; then
		s=new
	else
		s=neither
		diag "$CASE: the store is neither old nor new:"
		diff "$SANDBOX/old.$w" "$SANDBOX/now" | head -n 20 | sed 's/^/#   /'
		bad=1
	fi
	if [ "$rc" -eq 137 ]; then
		[ $s = old ] && old=$((old + 1))
		[ $s = new ] && new=$((new + 1))
		per[$w]="${per[$w]:-} $s"
	elif [ "$rc" -eq 0 ] && [ "${CMD[0]}" != "$LOGIN" ]; then
		want "the state after exit 0" new $s
	fi
	at "$T" "$ENROLL" --conf "$CONF" list --json \
	    >"$JSON/$((kills + notkilled)).json" 2>&1
	want "list --json" 0 $?
	out=$(at "$T" "$ENROLL" --conf "$CONF" check 2>&1)
	want "check ($out)" 0 $?
	[ $s = neither ] || behaves "$w" $s
	[ $bad -eq 0 ] || failed_kills=$((failed_kills + 1))
done <"$SANDBOX/chosen"

for w in $WRITERS; do
	o=$(echo "${per[$w]:-}" | tr ' ' '\n' | grep -c '^old$')
	n=$(echo "${per[$w]:-}" | tr ' ' '\n' | grep -c '^new$')
	diag "$(printf '%-18s %3d kills: %3d old, %3d new' "$w" $((o + n)) "$o" "$n")"
	check "$w was killed at least once" test $((o + n)) -gt 0
done
diag "kills $kills, old $old, new $new, not killed $notkilled"
check "nearly every chosen point killed its writer" \
    test "$notkilled" -le $((KILLS / 20))
check "at least $MIN kills" test "$kills" -ge "$MIN"
is "every kill left the old or the new state, list, check and the codes right" \
    0 "$failed_kills"
check "every list --json parses" python3 -c '
import json, sys
for f in sys.argv[1:]:
    json.load(open(f))' "$JSON"/*.json
echo "# counts: kills=$kills old=$old new=$new"

# A writer killed after writing its temp file leaves a copy of the record,
# secrets and all; once the device is deactivated, no file in the store
# may still hold its secret.
reset_store
writer resync
rc=$(inject fsync signal=KILL 1)
check "a resync killed after its temp file holds carl's secret there" \
    grep -lq "$SC" "$STORE"/.tmp.*
mfa deactivate carl phone >/dev/null
is "after deactivate no file in the store holds the secret" "" \
    "$(grep -rl "$SC" "$STORE")"
done_testing
