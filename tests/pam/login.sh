#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Accepting and refusing codes: the current code, the window edges, drift,
# one-time use, the prompt, and recovery codes.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

write_conf
service mfa "auth required $MODULE conf=$CONF"
service custom "auth required $MODULE conf=$CONF [prompt=Token please: ]"
S0=$(step $T0)

# The recipe from TESTING.md: pamtester reading the code from stdin.
enroll alice
if echo "$(code $T0)" | pam_run "$(ft $T0)" -- pamtester mfa alice \
    authenticate >"$SANDBOX/out" 2>&1; then
	ok "pamtester: current code accepted"
else
	not_ok "pamtester: current code accepted"
	sed 's/^/# /' "$SANDBOX/out"
fi
is "accepted step saved" "phone.last_step=$S0" \
    "$(show alice | grep last_step)"

enroll alice
out=$(auth $T0 "$(code $T0)")
is "driver: current code accepted" PAM_SUCCESS "$(result "$out")"
is "default prompt" "prompt: MFA code: " "$(echo "$out" | grep '^prompt')"
is "last_used set" "phone.last_used=$T0" "$(show alice | grep last_used)"

# window = 1: one step either side is accepted, two are not.
for off in -1 1; do
	enroll alice
	out=$(auth $T0 "$(code $((T0 + off * 30)))")
	is "code at window edge $off accepted" PAM_SUCCESS "$(result "$out")"
done
for off in -2 2; do
	enroll alice
	out=$(auth $T0 "$(code $((T0 + off * 30)))")
	is "code one step beyond the window ($off) refused" PAM_AUTH_ERR \
	    "$(result "$out")"
done
write_conf "window = 0;"
enroll alice
out=$(auth $T0 "$(code $((T0 + 30)))")
is "window = 0: next step refused" PAM_AUTH_ERR "$(result "$out")"
out=$(auth $T0 "$(code $T0)")
is "window = 0: current step accepted" PAM_SUCCESS "$(result "$out")"
write_conf

# Drift, as resync stores it: the window moves with the device's clock.
enroll alice drift=5
out=$(auth $T0 "$(code $((T0 + 5 * 30)))")
is "drift +5: code of now+5 steps accepted" PAM_SUCCESS "$(result "$out")"
enroll alice drift=5
out=$(auth $T0 "$(code $T0)")
is "drift +5: code of now refused" PAM_AUTH_ERR "$(result "$out")"
enroll alice drift=-3
out=$(auth $T0 "$(code $((T0 - 4 * 30)))")
is "drift -3: code of now-4 steps (window edge) accepted" PAM_SUCCESS \
    "$(result "$out")"

# One-time use (RFC 6238 5.2).
enroll alice
c=$(code $T0)
out=$(auth $T0 "$c")
is "first use accepted" PAM_SUCCESS "$(result "$out")"
out=$(auth $T0 "$c")
is "same code again refused" PAM_AUTH_ERR "$(result "$out")"
out=$(auth $T0 "$(code $((T0 - 30)))")
is "older code after a newer one refused" PAM_AUTH_ERR "$(result "$out")"
out=$(auth $((T0 + 30)) "$(code $((T0 + 30)))")
is "next step's code accepted later" PAM_SUCCESS "$(result "$out")"

# Other parameters, codes still from oathtool.
"$MKRECORD" write "$STORE" bob dev=key "secret=$SECRET" digits=8 period=60 \
    alg=SHA256
out=$(auth $T0 -u bob "$(code $T0 "$SECRET" --totp=sha256 --digits=8 \
    --time-step-size=60s)")
is "SHA256, 8 digits, 60 s accepted" PAM_SUCCESS "$(result "$out")"

# Two devices: either may match.
"$MKRECORD" write "$STORE" carol dev=phone "secret=$SECRET" \
    dev=token secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
out=$(auth $T0 -u carol "$(code $T0 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)")
is "second device's code accepted" PAM_SUCCESS "$(result "$out")"
is "that device's step saved" "token.last_step=$S0" \
    "$(show carol | grep token.last_step)"

# prompt= overrides the text.
enroll alice
out=$(auth $T0 -s custom "$(code $T0)")
is "prompt= text shown" "prompt: Token please: " \
    "$(echo "$out" | grep '^prompt')"
is "prompt= login works" PAM_SUCCESS "$(result "$out")"

# Recovery codes: accepted once, in any case and grouping, then burnt.
read -r rc1 h1 <<<"$("$MKRECORD" recovery)"
read -r rc2 h2 <<<"$("$MKRECORD" recovery)"
enroll alice "recovery=$h1" "recovery=$h2"
out=$(auth $T0 "$rc1")
is "recovery code accepted" PAM_SUCCESS "$(result "$out")"
is "recovery code burnt" nrecovery=1 "$(show alice | grep nrecovery)"
out=$(auth $T0 "$rc1")
is "recovery code refused the second time" PAM_AUTH_ERR "$(result "$out")"
upper=$(echo "$rc2" | tr -d - | tr a-z A-Z)
out=$(auth $T0 "$upper")
is "recovery code without dashes, upper case accepted" PAM_SUCCESS \
    "$(result "$out")"
is "no recovery code left" nrecovery=0 "$(show alice | grep nrecovery)"
# Hashes written before the tag ("$pbkdf2-sha256$ITER$SALT$HASH") still
# load and match, beside tagged ones.
read -r rc3 h3 <<<"$("$MKRECORD" recovery untagged)"
read -r rc4 h4 <<<"$("$MKRECORD" recovery)"
check "an untagged hash has four fields" test "$(echo "$h3" | tr -cd '$' |
    wc -c)" = 4
enroll alice "recovery=$h4" "recovery=$h3"
out=$(auth $T0 "$rc3")
is "untagged recovery code accepted" "PAM_SUCCESS|nrecovery=1" \
    "$(result "$out")|$(show alice | grep nrecovery)"
out=$(auth $T0 "$rc4")
is "tagged recovery code beside it accepted" "PAM_SUCCESS|nrecovery=0" \
    "$(result "$out")|$(show alice | grep nrecovery)"

done_testing
