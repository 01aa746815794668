#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# deactivate: afterwards a login behaves as for a user who never had a
# device; a hardware token goes back to the inventory; a virtual secret
# leaves the store.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf
# nullok lets a user without a device through to pam_permit.
printf 'auth required %s conf=%s nullok\nauth required pam_permit.so\n' \
    "$MODULE" "$CONF" > "$SANDBOX/pam.d/nullok-permit"

create_device alice; A=$SECRET
login nullok-permit nobody1 123456; never_nullok=$?
login mfa nobody1 123456; never_strict=$?
is "a never-enrolled user passes under nullok" 0 "$never_nullok"
is "and is refused without nullok" 1 "$never_strict"

enable_now alice default "$A" >/dev/null
login nullok-permit alice 123456
is "with a device, a wrong code fails even under nullok" 1 $?

out=$(mfa deactivate alice default)
is "deactivate succeeds" 0 $?
is "deactivate says so" "MFA device default of user alice is deactivated." "$out"
login nullok-permit alice 123456
is "after deactivate, nullok behaves as for no device" "$never_nullok" $?
login mfa alice "$(code "$A" 60)" +60s
is "after deactivate, without nullok, as for no device (even the right code)" "$never_strict" $?
check "the virtual secret is gone from the store" \
    sh -c "! grep -rq '$A' '$STORE'"
is "list shows nothing for alice" "[]" "$(mfa list alice --json)"

err=$(mfa deactivate alice default 2>&1 >/dev/null)
is "deactivating again fails" 1 $?
is "with a clear message" "mfa-enroll: user alice has no MFA device" "$err"

# One device of two: the other keeps working.
create_device carol phone; P=$SECRET
enable_now carol phone "$P" >/dev/null
create_device carol spare
err=$(mfa deactivate carol nosuch 2>&1 >/dev/null)
is "an unknown device" "mfa-enroll: MFA device nosuch does not exist for user carol" "$err"
mfa deactivate carol spare >/dev/null
is "one device of two removed" "phone" "$(mfa list carol --json | python3 -c 'import json,sys; print(" ".join(d["device"] for d in json.load(sys.stdin)))')"
login mfa carol "$(code "$P" 60)" +60s
is "the remaining device still logs in" 0 $?

# A hardware token returns to the inventory and can be given to another.
HW=$(python3 -c 'import os; print(os.urandom(20).hex())')
printf 'TOK1,%s\n' "$HW" > "$SANDBOX/tokens.csv"
mfa import-tokens "$SANDBOX/tokens.csv" >/dev/null
hw_enable() {
	local t
	t=$(date +%s)
	mfa enable "$1" TOK1 "$(oathtool --totp -N "@$((t - 30))" "$HW")" \
	    "$(oathtool --totp -N "@$t" "$HW")"
}
hw_enable bob >/dev/null
is "bob enables the token" 0 $?
mfa deactivate bob TOK1 >/dev/null
is "bob's token is deactivated" 0 $?
row=$(mfa list | awk '$2 == "TOK1" {print $1, $5}')
is "the token is back in the inventory, unassigned" "- unassigned" "$row"
check "the token's secret stays in the inventory" test -n "$(grep -i "TOK1" "$STORE/.inventory")"
hw_enable dave >/dev/null
is "another user can now enable it" 0 $?

# --all: every device and the recovery codes.
create_device erin one; E1=$SECRET
enable_now erin one "$E1" >/dev/null
create_device erin two
mfa recovery-codes erin --count 2 >/dev/null
out=$(mfa deactivate erin --all)
is "deactivate --all succeeds" "Every MFA device of user erin is deactivated." "$out"
check "erin's record is gone" test ! -e "$STORE/erin"
login nullok-permit erin 123456
is "erin now logs in as a user with no device" "$never_nullok" $?
err=$(mfa deactivate erin 2>&1 >/dev/null)
is "deactivate needs DEVICE or --all" 2 $?

done_testing
