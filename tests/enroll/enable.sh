#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# enable: two consecutive codes within resync_window; every refusal is
# one clear line, exit 1, and changes nothing.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf 'max_devices = 3;'

status_of() {
	mfa list "$1" --json | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    if d["device"] == sys.argv[1]: print(d["status"])' "$2"
}

# refused DESCRIPTION EXPECTED-MESSAGE enable-arguments...: exit 1, the
# message, and the store unchanged.
refused() {
	local what=$1 msg=$2 before after err
	shift 2
	before=$(cd "$STORE" && cat -- * .inventory 2>/dev/null | sha256sum)
	err=$(mfa enable "$@" 2>&1 >/dev/null)
	is "$what: exit 1" 1 $?
	is "$what: message" "mfa-enroll: $msg" "$err"
	after=$(cd "$STORE" && cat -- * .inventory 2>/dev/null | sha256sum)
	is "$what: store unchanged" "$before" "$after"
}

create_device alice; A=$SECRET
create_device zed; Z=$SECRET
t=$(date +%s)
c0=$(code_at "$A" $((t - 30))); c1=$(code_at "$A" "$t")

refused "same code twice" \
    "CODE1 and CODE2 are the same code: wait for the device to show the next one" \
    alice default "$c1" "$c1"
refused "codes one step apart but reversed" \
    "CODE1 and CODE2 are not two consecutive codes of MFA device default within 60 steps (30 minutes) of now; nothing changed" \
    alice default "$c1" "$c0"
refused "codes two steps apart" \
    "CODE1 and CODE2 are not two consecutive codes of MFA device default within 60 steps (30 minutes) of now; nothing changed" \
    alice default "$(code_at "$A" $((t - 60)))" "$c1"
refused "garbage" "CODE1 and CODE2 must each be 6 digits" \
    alice default 12a456 "$c1"
refused "too short" "CODE1 and CODE2 must each be 6 digits" \
    alice default 12345 "$c1"
refused "codes of another secret" \
    "CODE1 and CODE2 are not two consecutive codes of MFA device default within 60 steps (30 minutes) of now; nothing changed" \
    alice default "$(code_at "$Z" $((t - 30)))" "$(code_at "$Z" "$t")"
refused "consecutive codes outside the resync window" \
    "CODE1 and CODE2 are not two consecutive codes of MFA device default within 60 steps (30 minutes) of now; nothing changed" \
    alice default "$(code_at "$A" $((t + 3600)))" "$(code_at "$A" $((t + 3630)))"
refused "unknown serial" "MFA device GAKT000999 does not exist" \
    alice GAKT000999 "$c0" "$c1"
is "alice's device is still pending" pending "$(status_of alice default)"

out=$(mfa enable alice default "$c0" "$c1")
is "consecutive codes enable the device" 0 $?
is "enable says so" "MFA device default of user alice is enabled." "$out"
is "alice's device is active" active "$(status_of alice default)"
check "the drift is 0 and CODE2's step is spent" \
    grep -qx "last_step $((t / 30))" "$STORE/alice"
# A newcomer logs in at once with CODE2, still on the phone: refused,
# and told why and what to do.
login mfa alice "$c1"
is "a login with CODE2 right after enable is refused" 1 $?
check "and says the code was used, wait for the next" \
    grep -qF "This code was already used; wait for the next one." \
    "$SANDBOX/login.out"
refused "enable an active device" \
    "MFA device default of user alice is already enabled (use resync to correct its clock)" \
    alice default "$c0" "$c1"

# Consecutive codes from 20 minutes ahead: found; CODE2 is 40 steps
# ahead, and since it may have been typed up to two steps late the
# middle, 41, is stored.
create_device alice ahead; H=$SECRET
t=$(date +%s)
mfa enable alice ahead "$(code_at "$H" $((t + 1170)))" "$(code_at "$H" $((t + 1200)))" >/dev/null
is "codes 20 minutes ahead are found within the window" 0 $?
check "their drift is stored" grep -Eqx 'drift (40|41)' "$STORE/alice"

# Names unique per user; at most max_devices.
err=$(mfa create alice --device ahead 2>&1 >/dev/null </dev/null)
is "a duplicate name is refused" "mfa-enroll: user alice already has an MFA device called ahead" "$err"
create_device alice third
err=$(mfa create alice --device fourth 2>&1 >/dev/null </dev/null)
is "max_devices is enforced" "mfa-enroll: user alice already has 3 MFA devices (max_devices is 3)" "$err"
err=$(mfa create alice --device 'bad/name' 2>&1 >/dev/null </dev/null)
is "a bad device name exits 1" 1 $?

# A hardware token: enabled by serial, then refused for another user.
HW=$(python3 -c 'import os; print(os.urandom(20).hex())')
printf 'GAKT000001,%s\n' "$HW" > "$SANDBOX/tokens.csv"
mfa import-tokens "$SANDBOX/tokens.csv" >/dev/null
t=$(date +%s)
h0=$(oathtool --totp -N "@$((t - 30))" "$HW"); h1=$(oathtool --totp -N "@$t" "$HW")
refused "token codes of the wrong step" \
    "CODE1 and CODE2 are not two consecutive codes of MFA device GAKT000001 within 60 steps (30 minutes) of now; nothing changed" \
    bob GAKT000001 "$h1" "$h0"
out=$(mfa enable bob GAKT000001 "$h0" "$h1")
is "a hardware token is enabled by serial" 0 $?
line=$(mfa list bob | sed -n 2p | awk '{print $1, $2, $3, $4, $5}')
is "bob holds it as an active hardware device" "bob GAKT000001 hardware GAKT000001 active" "$line"
check "the inventory says bob has it" grep -q 'bob' "$STORE/.inventory"
refused "a token assigned to another user" \
    "MFA device GAKT000001 is assigned to another user" \
    carol GAKT000001 "$h0" "$h1"

err=$(mfa enable alice default 123456 2>&1 >/dev/null)
is "missing arguments exit 2" 2 $?
is "usage message" "mfa-enroll: enable: expected USER DEVICE CODE1 CODE2 (see 'enable --help')" "$err"
err=$(mfa enable 'bad/user' default 123456 654321 2>&1 >/dev/null)
is "a bad user name is refused" "mfa-enroll: invalid user name" "$err"

done_testing
