#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A last-used period in the future: a code accepted while a clock ran
# ahead (a phone 10 minutes fast learnt by resync, then corrected; or the
# server's own clock) makes every later code "already used".  resync with
# two fresh codes must make the device work again and say what it did;
# list must show the state; the audit reason must name it.  Every command
# runs under a frozen libfaketime clock; codes come from oathtool.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf
export TZ=UTC
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$DRIVER" ] || skip_all "tests/pam/driver not built"
[ -r "$FAKETIME_LIB" ] || skip_all "libfaketime missing"
T0=1767225600	# 2026-01-01 00:00:00 UTC, a period boundary

stamp() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
at() {
	local e=$1
	shift
	LD_PRELOAD="$AWSMFA_PRELOAD $FAKETIME_LIB" FAKETIME="$(stamp "$e")" "$@"
}
# auth USER CODE EPOCH: the driver's output: its result, and the audit
# line, which pam_wrapper shows among its debug messages.  When
# pam_wrapper finds no free /tmp/pam.X folder the module never ran, and
# the login is tried again.
auth() {
	local out i
	for i in 1 2 3 4 5; do
		out=$(PAM_WRAPPER_DEBUGLEVEL=3 pam_run "$(stamp "$3")" -- \
		    "$DRIVER" -u "$1" "$2" 2>&1)
		case $out in *'pwrap_init: Failed'*) continue ;; esac
		break
	done
	printf '%s\n' "$out" | grep -E '^result: |event=login'
}
result() { printf '%s\n' "$1" | sed -n 's/^result: //p'; }
MKRECORD="$AWSMFA_BUILDDIR/tests/pam/mkrecord"
failures() { "$MKRECORD" show "$STORE" "$1" | sed -n 's/^failures=//p'; }
# status_of USER EPOCH: the table's STATUS and the JSON field.
status_of() {
	at "$2" mfa list "$1" | awk 'NR == 2 { print $5 }'
	at "$2" mfa list "$1" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["last_used_periods_ahead"])'
}

# 1. A phone 10 minutes fast, learnt by resync, then corrected.
create_device alice; A=$SECRET
at $((T0 + 305)) mfa enable alice default "$(code_at "$A" $((T0 + 270)))" \
    "$(code_at "$A" $((T0 + 300)))" >/dev/null
is "enabled with a right clock" 0 $?
at $((T0 + 1205)) mfa resync alice default \
    "$(code_at "$A" $((T0 + 1770)))" "$(code_at "$A" $((T0 + 1800)))" \
    >/dev/null
is "resync to the phone 10 minutes fast" 0 $?
out=$(auth alice "$(code_at "$A" $((T0 + 1860)))" $((T0 + 1265)))
is "the fast phone logs in" PAM_SUCCESS "$(result "$out")"
# The phone's clock is corrected: its code is of the server's period.
out=$(auth alice "$(code_at "$A" $((T0 + 1320)))" $((T0 + 1325)))
is "the corrected phone is refused before resync" PAM_AUTH_ERR \
    "$(result "$out")"
is "list before resync: active, nothing ahead for drift 21" "active
0" "$(status_of alice $((T0 + 1325)))"
out=$(at $((T0 + 1335)) mfa resync alice default \
    "$(code_at "$A" $((T0 + 1290)))" "$(code_at "$A" $((T0 + 1320)))")
is "resync with the corrected phone's codes" 0 $?
is "resync says what it did about the future period" \
    "MFA device default of user alice is resynchronised.
Its last-used period was 18 periods ahead of the device's codes; reset to the period of CODE2." \
    "$out"
check "drift 0 is stored" grep -qx 'drift 0' "$STORE/alice"
is "list after resync: nothing ahead" "active
0" "$(status_of alice $((T0 + 1340)))"
for t in 1355 1385 1415; do
	out=$(auth alice "$(code_at "$A" $((T0 + t - 5)))" $((T0 + t)))
	is "a fresh code logs in after resync (+$t s)" PAM_SUCCESS \
	    "$(result "$out")"
done
is "no failure counted" 0 "$(failures alice)"
out=$(auth alice "$(code_at "$A" $((T0 + 1410)))" $((T0 + 1420)))
is "a code once accepted is still refused" PAM_AUTH_ERR "$(result "$out")"

# 2. The server's clock ran an hour ahead when a code was accepted (the
# device followed the same wrong time), then was set right.
create_device bob; B=$SECRET
H=$((T0 + 7200))
at $((H + 5)) mfa enable bob default "$(code_at "$B" $((H - 30)))" \
    "$(code_at "$B" "$H")" >/dev/null
out=$(auth bob "$(code_at "$B" $((H + 3630)))" $((H + 3635)))
is "a code is accepted while the clock runs an hour ahead" PAM_SUCCESS \
    "$(result "$out")"
is "list shows the last-used period ahead" "active+future
117" "$(status_of bob $((H + 35)))"
out=$(auth bob "$(code_at "$B" $((H + 60)))" $((H + 65)))
is "with the clock set right every code is refused" PAM_AUTH_ERR \
    "$(result "$out")"
case $out in
*'reason="code already used: last-used period in the future"'*)
	ok "the audit line says why" ;;
*)	not_ok "the audit line says why"; diag "$out" ;;
esac
is "and counted as a failure" 1 "$(failures bob)"
out=$(at $((H + 95)) mfa resync bob default \
    "$(code_at "$B" $((H + 60)))" "$(code_at "$B" $((H + 90)))")
is "resync with two fresh codes" 0 $?
is "says what it did" \
    "MFA device default of user bob is resynchronised.
Its last-used period was 118 periods ahead of the device's codes; reset to the period of CODE2." \
    "$out"
out=$(auth bob "$(code_at "$B" $((H + 120)))" $((H + 125)))
is "bob logs in again" PAM_SUCCESS "$(result "$out")"

# 3. A last-used period within the login window is normal (the next
# period's code was typed): resync keeps it, a code stays spent.
create_device carol; C=$SECRET
at $((T0 + 305)) mfa enable carol default "$(code_at "$C" $((T0 + 270)))" \
    "$(code_at "$C" $((T0 + 300)))" >/dev/null
out=$(auth carol "$(code_at "$C" $((T0 + 630)))" $((T0 + 605)))
is "carol logs in with the next period's code" PAM_SUCCESS "$(result "$out")"
out=$(at $((T0 + 610)) mfa resync carol default \
    "$(code_at "$C" $((T0 + 570)))" "$(code_at "$C" $((T0 + 600)))")
is "resync just after: nothing to say" \
    "MFA device default of user carol is resynchronised." "$out"
out=$(auth carol "$(code_at "$C" $((T0 + 630)))" $((T0 + 615)))
is "the code accepted before is still refused" PAM_AUTH_ERR \
    "$(result "$out")"

# 4. A device 10 minutes fast logs in with its next period's code, then is
# resynced in the same period with codes read a minute before: the drift
# learnt is two lower than the login's, which leaves the last-used period
# a period beyond the window.  That passes by itself; the code accepted
# stays spent (no reset).
create_device erin; R=$SECRET
at $((T0 + 305)) mfa enable erin default "$(code_at "$R" $((T0 + 270)))" \
    "$(code_at "$R" $((T0 + 300)))" >/dev/null
at $((T0 + 1205)) mfa resync erin default \
    "$(code_at "$R" $((T0 + 1770)))" "$(code_at "$R" $((T0 + 1800)))" \
    >/dev/null
out=$(auth erin "$(code_at "$R" $((T0 + 1890)))" $((T0 + 1265)))
is "erin logs in with the next period's code" PAM_SUCCESS "$(result "$out")"
out=$(at $((T0 + 1270)) mfa resync erin default \
    "$(code_at "$R" $((T0 + 1770)))" "$(code_at "$R" $((T0 + 1800)))")
is "resync typed late: no reset" \
    "MFA device default of user erin is resynchronised.
The device's clock is about 540 s ahead; logins allow for that." "$out"
out=$(auth erin "$(code_at "$R" $((T0 + 1890)))" $((T0 + 1295)))
is "the code accepted before resync stays spent" PAM_AUTH_ERR \
    "$(result "$out")"
out=$(auth erin "$(code_at "$R" $((T0 + 1920)))" $((T0 + 1325)))
is "the device's next code logs in" PAM_SUCCESS "$(result "$out")"

# 5. resync while the user is locked out says that the lock stays.
create_device dave; D=$SECRET
at $((T0 + 305)) mfa enable dave default "$(code_at "$D" $((T0 + 270)))" \
    "$(code_at "$D" $((T0 + 300)))" >/dev/null
for i in 1 2 3 4 5; do auth dave 000000 $((T0 + 400 + i)) >/dev/null; done
out=$(at $((T0 + 425)) mfa resync dave default \
    "$(code_at "$D" $((T0 + 390)))" "$(code_at "$D" $((T0 + 420)))")
is "resync of a locked-out user says the lock stays" \
    "MFA device default of user dave is resynchronised.
User dave stays locked out until 2026-01-01T00:11:45Z after failed logins." \
    "$out"

done_testing
