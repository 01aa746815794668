#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# import-tokens: hex and base32 seeds, optional parameters, comments; every
# bad line reported with its number, and then nothing imported.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

HEX=3132333435363738393031323334353637383930	# RFC 6238's SHA1 seed
B32=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA
cat > "$SANDBOX/good.csv" <<CSV
# serials and seeds from the vendor
serial,secret,digits,period,algorithm

HEX-1,$HEX
  B32-1 , $B32 , 8 , 60 , sha256
B32-2,base32:${B32:0:32},,,SHA1
CSV
out=$(mfa import-tokens "$SANDBOX/good.csv")
is "a good file is imported" "3 hardware tokens imported." "$out"
is "the inventory is 0600" 600 "$(stat -c %a "$STORE/.inventory")"
rows=$(mfa list | awk '$1 == "-" {print $2, $5}' | sort | tr '\n' ' ')
is "list shows them unassigned" "B32-1 unassigned B32-2 unassigned HEX-1 unassigned " "$rows"

# Codes from oathtool prove each seed and its parameters were read right.
t=$(date +%s)
mfa enable alice HEX-1 "$(oathtool --totp -N "@$((t - 30))" $HEX)" \
    "$(oathtool --totp -N "@$t" $HEX)" >/dev/null
is "the hex seed gives oathtool's codes" 0 $?
t=$(date +%s)
mfa enable bob B32-1 \
    "$(oathtool --totp=sha256 --digits=8 --time-step-size=60s -b -N "@$((t - 60))" $B32)" \
    "$(oathtool --totp=sha256 --digits=8 --time-step-size=60s -b -N "@$t" $B32)" >/dev/null
is "the base32 seed with SHA256, 8 digits, 60 s gives oathtool's codes" 0 $?

inv=$(sha256sum <"$STORE/.inventory")
cat > "$SANDBOX/bad.csv" <<CSV
# line 1 is a comment
NEW-1,$HEX
NEW-2
bad serial!,$HEX
NEW-3,not*a*secret
NEW-4,00112233
NEW-5,$HEX,9
NEW-6,$HEX,6,0
NEW-7,$HEX,6,30,MD5
NEW-1,$B32
HEX-1,$B32
NEW-8,$HEX,6,,SHA1,0,extra
NEW-9,$HEX
CSV
err=$(mfa import-tokens "$SANDBOX/bad.csv" 2>&1 >/dev/null)
is "a file with bad lines fails" 1 $?
expected="mfa-enroll: $SANDBOX/bad.csv:3: expected serial,secret[,digits,period,algorithm,counter]
mfa-enroll: $SANDBOX/bad.csv:4: bad serial (1 to 64 of A-Z a-z 0-9 . _ @ + : -)
mfa-enroll: $SANDBOX/bad.csv:5: the secret is neither hex nor base32, or longer than 64 bytes
mfa-enroll: $SANDBOX/bad.csv:6: the secret has 4 bytes, fewer than 16
mfa-enroll: $SANDBOX/bad.csv:7: digits must be 6 to 8
mfa-enroll: $SANDBOX/bad.csv:8: period must be 1 to 300 seconds
mfa-enroll: $SANDBOX/bad.csv:9: algorithm must be SHA1, SHA256 or SHA512
mfa-enroll: $SANDBOX/bad.csv:10: serial NEW-1 repeats line 2
mfa-enroll: $SANDBOX/bad.csv:11: serial HEX-1 is already in the inventory
mfa-enroll: $SANDBOX/bad.csv:12: more than 6 fields
mfa-enroll: $SANDBOX/bad.csv: 10 bad lines; nothing imported"
is "every bad line is reported with its number" "$expected" "$err"
is "nothing was imported" "$inv" "$(sha256sum <"$STORE/.inventory")"
check "not even the good lines" sh -c "! grep -q NEW-9 '$STORE/.inventory'"

printf '# nothing\n\n' > "$SANDBOX/empty.csv"
err=$(mfa import-tokens "$SANDBOX/empty.csv" 2>&1 >/dev/null)
is "a file without tokens" "1 mfa-enroll: $SANDBOX/empty.csv: no token in the file" "$? $err"
err=$(mfa import-tokens "$SANDBOX/missing.csv" 2>&1 >/dev/null)
is "a missing file" "1 mfa-enroll: $SANDBOX/missing.csv: No such file or directory" "$? $err"
printf 'OLD-1,%s\r\nOLD-2,hex:%s\r\n' "$HEX" "$HEX" > "$SANDBOX/crlf.csv"
out=$(mfa import-tokens "$SANDBOX/crlf.csv")
is "CRLF line ends and the hex: prefix" "2 hardware tokens imported." "$out"
err=$(mfa import-tokens "$SANDBOX/crlf.csv" 2>&1 >/dev/null | tail -n 1)
is "importing a file twice refuses it" "mfa-enroll: $SANDBOX/crlf.csv: 2 bad lines; nothing imported" "$err"
err=$(mfa import-tokens 2>&1 >/dev/null)
is "no FILE is a usage error" 2 $?

done_testing
