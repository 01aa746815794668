#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# 32 logins racing with one code: the per-user lock makes exactly one win,
# and the record they all rewrote still parses.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

write_conf "max_failures = 100;"
service mfa "auth required $MODULE conf=$CONF"
enroll alice
c=$(code $T0)
# pam_wrapper copies the services into /tmp/pam.X, one random character
# wide, when a process starts; dozens starting at once collide there and
# libpam fails before any module runs.  Such a racer never saw our prompt,
# so it made no attempt: start it again (at most 5 times).
racer() {
	local n
	for n in 1 2 3 4 5; do
		auth $T0 "$c" >"$SANDBOX/out.$1"
		grep -q '^prompt: ' "$SANDBOX/out.$1" && return
	done
}
for i in $(seq 32); do
	racer "$i" &
done
wait
for f in "$SANDBOX"/out.*; do
	grep -qE '^result: PAM_(SUCCESS|AUTH_ERR)$' "$f" && continue
	diag "a racer ended otherwise:"
	sed 's/^/#   /' "$f" | head -n 20
done
wins=$(cat "$SANDBOX"/out.* | grep -c '^result: PAM_SUCCESS')
losses=$(cat "$SANDBOX"/out.* | grep -c '^result: PAM_AUTH_ERR')
is "exactly one of 32 concurrent logins succeeds" 1 "$wins"
is "the other 31 are refused" 31 "$losses"
rec=$(show alice)
is "record still parses, accepted step saved" \
    "phone.last_step=$(step $T0)" "$(echo "$rec" | grep last_step)"
is "31 reuses counted as failures" failures=31 \
    "$(echo "$rec" | grep failures)"
leftovers=$(find "$STORE" -name '.tmp.*' | wc -l)
is "no temporary files left behind" 0 "$leftovers"

done_testing
