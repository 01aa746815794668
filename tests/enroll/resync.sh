#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# resync: a device whose clock runs 10 minutes fast (libfaketime under
# oathtool) fails logins through the PAM module until resync stores its
# drift; wrong codes change nothing.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

# dev_codes OFFSET: the device's current and next code, its clock OFFSET
# seconds ahead, read at one instant.
dev_codes() {
	LD_PRELOAD="$FAKETIME_LIB" FAKETIME="+${1}s" \
	    oathtool --totp -b -w 1 "$SECRET" | tr '\n' ' '
}

create_device alice
enable_now alice default "$SECRET" >/dev/null
is "device enabled while its clock was right" 0 $?

read -r d1 d2 <<<"$(dev_codes 600)"
login mfa alice "$d1"
is "login with the fast device's code fails" 1 $?
read -r d1 d2 <<<"$(dev_codes 630)"
login mfa alice "$d1" +30s
is "and fails again a step later" 1 $?

before=$(sha256sum <"$STORE/alice")
err=$(mfa resync alice default "$d2" "$d1" 2>&1 >/dev/null)
is "resync with codes in the wrong order fails" 1 $?
is "with a clear message" "mfa-enroll: CODE1 and CODE2 are not two consecutive codes of MFA device default within 60 steps (30 minutes) of now; nothing changed" "$err"
err=$(mfa resync alice default 000000 000001 2>&1 >/dev/null)
is "resync with wrong codes fails" 1 $?
is "wrong codes change nothing" "$before" "$(sha256sum <"$STORE/alice")"
err=$(mfa resync alice nosuch "$d1" "$d2" 2>&1 >/dev/null)
is "resync of an unknown device" "mfa-enroll: MFA device nosuch does not exist for user alice" "$err"

read -r d1 d2 <<<"$(dev_codes 570)"
out=$(mfa resync alice default "$d1" "$d2")
is "resync with two consecutive device codes succeeds" 0 $?
is "resync says so" "MFA device default of user alice is resynchronised." \
    "$(printf '%s\n' "$out" | head -n 1)"
check "and what it learnt" grep -Eqx \
    "The device's clock is about (570|600|630) s ahead; logins allow for that." \
    <<<"$(printf '%s\n' "$out" | sed -n 2p)"
check "the drift of 20 steps is stored" grep -Eqx 'drift (19|20|21)' "$STORE/alice"

# The device's next code, the server 30 s later (CODE2's step is spent).
read -r d1 d2 <<<"$(dev_codes 630)"
login mfa alice "$d1" +30s
is "after resync the fast device's code logs in" 0 $?
login mfa alice "$d1" +30s
is "the same code is not accepted twice" 1 $?

create_device bob
err=$(mfa resync bob default 123456 654321 2>&1 >/dev/null)
is "resync of a pending device is refused" "mfa-enroll: MFA device default of user bob is not enabled yet (use enable)" "$err"

# What resync says is the phone's offset, for codes typed as shown: 330 s
# ahead is 11 steps (12 are stored, the middle of what typing delay
# leaves possible), and README's example says 330.
create_device dave
B=$SECRET
enable_now dave default "$B" >/dev/null
for off in 330 -330; do
	t=$(date +%s)
	# Codes and resync in one period of the server's clock.
	[ $((t % 30)) -ge 27 ] && sleep 4 && t=$(date +%s)
	out=$(mfa resync dave default "$(code_at "$B" $((t + off - 30)))" \
	    "$(code_at "$B" $((t + off)))" | sed -n 2p)
	[ "$off" -gt 0 ] && way=ahead || way=behind
	is "a phone $off s off: resync says about 330 s $way" \
	    "The device's clock is about 330 s $way; logins allow for that." "$out"
done

done_testing
