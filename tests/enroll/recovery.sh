#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# recovery-codes: shown once, each works once through the PAM module, a
# new set replaces the old, only hashes are stored.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf 'recovery_codes = 4;'

create_device alice
enable_now alice default "$SECRET" >/dev/null

mapfile -t codes < <(mfa recovery-codes alice --count 3)
is "--count 3 prints three codes" 3 "${#codes[@]}"
n=0
for c in "${codes[@]}"; do
	[[ $c =~ ^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$ ]] && n=$((n + 1))
	grep -rqF -- "$c" "$STORE" && n=$((n - 10))
done
is "each is 12 characters of base32 in groups, and none is stored plain" 3 "$n"
check "the store holds PBKDF2 hashes" grep -q 'pbkdf2-sha256' "$STORE/alice"

for i in 0 1 2; do
	login mfa alice "${codes[$i]}"
	is "recovery code $((i + 1)) logs in" 0 $?
	login mfa alice "${codes[$i]}"
	is "recovery code $((i + 1)) works only once" 1 $?
done
login mfa alice "$(echo "${codes[0]}" | tr a-z A-Z | tr -d -)"
is "a spent code stays spent whatever its spelling" 1 $?

mapfile -t old < <(mfa recovery-codes alice --count 2)
mapfile -t new < <(mfa recovery-codes alice)
is "the default count comes from the config" 4 "${#new[@]}"
login mfa alice "${old[0]}"
is "a new set replaces the old one" 1 $?
login mfa alice "${new[3]}"
is "a code of the new set works" 0 $?

err=$(mfa recovery-codes nodevice 2>&1 >/dev/null)
is "a user without a device gets no codes" "mfa-enroll: user nodevice has no MFA device: recovery codes only stand in for one" "$err"
for bad in 0 101 abc -1; do
	err=$(mfa recovery-codes alice --count "$bad" 2>&1 >/dev/null)
	is "--count $bad is a usage error" "2 mfa-enroll: recovery-codes: --count must be 1 to 100" "$? $err"
done

done_testing
