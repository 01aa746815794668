#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Lockout after max_failures wrong codes, refusal of even a right code while
# locked (PAM_MAXTRIES and a message), release after lockout_seconds.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

write_conf "max_failures = 3;" "lockout_seconds = 120;"
service mfa "auth required $MODULE conf=$CONF"
wrong=$(code $((T0 + 3000)))

enroll alice
for i in 1 2; do
	out=$(auth $T0 "$wrong")
	is "wrong code $i refused" PAM_AUTH_ERR "$(result "$out")"
done
out=$(auth $T0 "$(code $T0)")
is "a right code before the limit is accepted" PAM_SUCCESS "$(result "$out")"
is "success resets the counter" failures=0 "$(show alice | grep failures)"

for i in 1 2 3; do
	out=$(auth $((T0 + 30)) "$wrong")
	is "wrong code $i of 3 refused with PAM_AUTH_ERR" PAM_AUTH_ERR \
	    "$(result "$out")"
done
is "locked until now + lockout_seconds" "locked_until=$((T0 + 30 + 120))" \
    "$(show alice | grep locked_until)"
# The module's local time, as the person at the prompt reads a clock.
until=$(date -d "@$((T0 + 30 + 120))" +%H:%M)
is "the refusal that locks says until when" \
    "error: Account temporarily locked until $until." \
    "$(echo "$out" | grep '^error')"
out=$(auth $((T0 + 60)) "$(code $((T0 + 60)))")
is "while locked a right code is refused with PAM_MAXTRIES" PAM_MAXTRIES \
    "$(result "$out")"
is "the user is told the account is locked, and until when" \
    "error: Account temporarily locked until $until." \
    "$(echo "$out" | grep '^error')"
is "the refused right code was not burnt" \
    "phone.last_step=$(step $T0)" "$(show alice | grep last_step)"
out=$(auth $((T0 + 149)) "$(code $((T0 + 149)))")
is "still locked one second before the end" PAM_MAXTRIES "$(result "$out")"

t=$((T0 + 30 + 120 + 30))
out=$(auth $t "$(code $t)")
is "after lockout_seconds a right code is accepted" PAM_SUCCESS \
    "$(result "$out")"
rec=$(show alice)
is "counter and lock cleared" "failures=0 locked_until=0" \
    "$(echo "$rec" | grep -E '^(failures|locked_until)' | paste -sd ' ')"

# After the lock runs out the user has a fresh set of tries.
write_conf "max_failures = 2;" "lockout_seconds = 60;"
enroll alice failures=2 locked_until=$((T0 - 1))
out=$(auth $T0 "$wrong")
is "expired lock: first wrong code is PAM_AUTH_ERR" PAM_AUTH_ERR \
    "$(result "$out")"
is "expired lock: counting starts again" failures=1 \
    "$(show alice | grep failures)"

# Lockout counts per user, across devices.
"$MKRECORD" write "$STORE" carol dev=a "secret=$SECRET" \
    dev=b secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
auth $T0 -u carol "$wrong" >/dev/null
auth $T0 -u carol "$wrong" >/dev/null
out=$(auth $T0 -u carol "$(code $T0 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)")
is "two devices share one lockout" PAM_MAXTRIES "$(result "$out")"

# Real fail delay: libpam waits about 2 s after a failed stack.
enroll alice
start=$(date +%s%N)
pam_run "$(ft $T0)" -- "$DRIVER" -d "$wrong" >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
check "pam_fail_delay requested (${ms} ms)" [ "$ms" -ge 1000 ]

done_testing
