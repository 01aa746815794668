#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Counter (HOTP) devices through mfa-enroll and the module: create --type
# hotp (the QR code decodes to an otpauth://hotp URI with counter=0),
# enable with two consecutive counters, logins within hotp_look_ahead,
# one-time use, resync further out, and HOTP rows of the token CSV.
# oathtool --hotp is the reference for every code.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
command -v zbarimg >/dev/null || skip_all "zbarimg missing"
write_conf 'hotp_look_ahead = 3;' 'max_failures = 100;'
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$DRIVER" ] || skip_all "tests/pam/driver not built"

# hotp SECRET COUNTER (base32) / hotp_hex HEX COUNTER
hotp() { oathtool --hotp -b -c "$2" "$1"; }
hotp_hex() { oathtool --hotp -c "$2" "$1"; }

out=$(mfa create carol --device key --type hotp --qr none \
    --qr-file "$SANDBOX/carol.png" </dev/null)
is "create --type hotp succeeds" 0 $?
uri=$(printf '%s\n' "$out" | grep '^otpauth://')
is "zbarimg reads exactly the printed URI" "$uri" \
    "$(zbarimg -q --raw "$SANDBOX/carol.png" 2>/dev/null)"
case $uri in
otpauth://hotp/Example%20Corp:carol\?secret=*\&counter=0) ok "an hotp URI with counter=0" ;;
*) not_ok "an hotp URI with counter=0: $uri" ;;
esac
check "the type line says HOTP and its counter" \
    grep -q '^Type: HOTP, SHA1, 6 digits, counter 0$' <<<"$out"
s=$(printf '%s\n' "$uri" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
out=$(mfa create carol --device x --type sotp 2>&1)
is "an unknown --type is a usage error" 2 $?

out=$(mfa enable carol key "$(hotp "$s" 0)" "$(hotp "$s" 2)" 2>&1)
is "enable refuses two codes that are not consecutive" 1 $?
mfa enable carol key "$(hotp "$s" 3)" "$(hotp "$s" 4)" >/dev/null
is "enable takes counters 3 and 4" 0 $?
check "the record keeps the counter after CODE2's" \
    grep -qx 'counter 5' "$STORE/carol"
login mfa carol "$(hotp "$s" 4)"
is "CODE2's code is spent" 1 $?
login mfa carol "$(hotp "$s" 8)"
is "counter 8 lies beyond the look-ahead of 3 (5, 6, 7)" 1 $?
login mfa carol "$(hotp "$s" 7)"
is "counter 7, the last of the look-ahead, is accepted" 0 $?
login mfa carol "$(hotp "$s" 7)"
is "and not twice" 1 $?
login mfa carol "$(hotp "$s" 6)"
is "nor one the counter moved past" 1 $?
login mfa carol "$(hotp "$s" 8)"
is "counter 8 is next" 0 $?
# 24 logins racing with one code: the user's lock lets exactly one
# win (max_failures is high enough that the others lock nobody out).
c=$(hotp "$s" 9)
for i in $(seq 24); do
	pam_run "" -- "$DRIVER" -s mfa -u carol "$c" >"$SANDBOX/race.$i" 2>&1 &
done
wait
is "24 logins racing with one code: exactly one wins" 1 \
    "$(cat "$SANDBOX"/race.* | grep -c '^result: PAM_SUCCESS$')"
is "the other 23 are refused" 23 \
    "$(cat "$SANDBOX"/race.* | grep -c '^result: PAM_AUTH_ERR$')"

mfa resync carol key "$(hotp "$s" 60)" "$(hotp "$s" 61)" >/dev/null
is "resync finds counters 60 and 61" 0 $?
login mfa carol "$(hotp "$s" 61)"
is "CODE2 of the resync is spent" 1 $?
login mfa carol "$(hotp "$s" 62)"
is "counter 62 is accepted" 0 $?
out=$(mfa resync carol key "$(hotp "$s" 20)" "$(hotp "$s" 21)" 2>&1)
is "resync never moves a counter back" 1 $?

HEX=3132333435363738393031323334353637383930
printf 'serial,secret,digits,period,algorithm,counter\nYK1,%s,6,,SHA1,5\nTOTP1,%s\n' \
    "$HEX" "$HEX" >"$SANDBOX/t.csv"
mfa import-tokens "$SANDBOX/t.csv" >/dev/null
is "a CSV with an HOTP row and a TOTP row imports" 0 $?
check "the inventory keeps the counter" \
    grep -A3 -x 'token YK1' "$STORE/.inventory" | grep -qx 'counter 5'
out=$(mfa enable bob YK1 "$(hotp_hex $HEX 3)" "$(hotp_hex $HEX 4)" 2>&1)
is "enable of a token refuses counters before its counter" 1 $?
mfa enable bob YK1 "$(hotp_hex $HEX 5)" "$(hotp_hex $HEX 6)" >/dev/null
is "enable of the token from its counter" 0 $?
login mfa bob "$(hotp_hex $HEX 7)"
is "bob logs in with the token's next code" 0 $?
is "list shows hotp for the token, totp/30s for the other" \
    "YK1 hotp
TOTP1 totp/30s" "$(mfa list | awk '$2 == "YK1" || $2 == "TOTP1" {print $2, $NF}')"
is "list --json: the counter, no period" "hotp None 8" \
    "$(mfa list bob --json | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print(d["otp"], d["period"], d["counter"])')"

printf 'YK2,%s,6,30,SHA1,5\n' "$HEX" >"$SANDBOX/bad.csv"
err=$(mfa import-tokens "$SANDBOX/bad.csv" 2>&1)
is "a period beside a counter is refused" 1 $?
check "naming the line and the mix-up" \
    grep -q 'bad.csv:1: a counter (HOTP) token has no period' <<<"$err"
printf 'YK2,%s,6,,SHA1,-1\n' "$HEX" >"$SANDBOX/bad.csv"
err=$(mfa import-tokens "$SANDBOX/bad.csv" 2>&1)
is "a negative counter is refused" 1 $?
check "with the range" grep -q 'bad.csv:1: counter must be 0 to' <<<"$err"

done_testing
