#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# import-tokens of a PSKC file on a PostgreSQL store: the same import call
# as the CSV, whole or not at all, and the imported TOTP and HOTP tokens
# log in.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
PY=/usr/bin/python3	# Debian's, which python3-pskc installs into
$PY -c 'import pskc' 2>/dev/null || skip_all "python3-pskc is not installed"
ENROLL="$AWSMFA_BUILDDIR/tests/intree/mfa-enroll"
MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
CONF=$SANDBOX/awsmfa.conf
cat >"$CONF" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_admin_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=admin1";
CONF
chmod 0644 "$CONF"
mkdir -p "$SANDBOX/pam.d"
echo "auth required $MODULE conf=$CONF" >"$SANDBOX/pam.d/mfa"
mfa() { "$ENROLL" --conf "$CONF" "$@"; }
auth() {
	pam_run "" -- "$DRIVER" -s mfa -u "$1" "$2" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
gen() { $PY "$AWSMFA_SRCDIR/tests/enroll/pskc_gen.py" "$@"; }
HEX=3132333435363738393031323334353637383930
HEX32=3132333435363738393031323334353637383930313233343536373839303132
PSK=00112233445566778899aabbccddeeff
printf '%s\n' $PSK >"$SANDBOX/psk.key"
hw() { mfa list | awk '$1 == "-" { print $2 }' | sort | xargs; }

gen "$SANDBOX/a.xml" psk $PSK "PG-1:totp:6:30::$HEX" \
    "PG-2:totp:8:60:HMAC-SHA256:$HEX32"
is "a PSK-encrypted PSKC file is imported" "2 hardware tokens imported." \
    "$(mfa import-tokens --psk-file "$SANDBOX/psk.key" "$SANDBOX/a.xml")"
is "list shows its tokens" "PG-1 PG-2" "$(hw)"
o="--totp=sha256 --digits=8 --time-step-size=60s"
t=$(date +%s)
# shellcheck disable=SC2086
is "the SHA256 one enables with oathtool's codes" \
    "MFA device PG-2 of user alice is enabled." \
    "$(mfa enable alice PG-2 "$(oathtool $o -N "@$((t - 60))" $HEX32)" \
    "$(oathtool $o -N "@$t" $HEX32)")"
# shellcheck disable=SC2086
is "alice logs in with it" PAM_SUCCESS \
    "$(auth alice "$(oathtool $o -N "@$(($(date +%s) + 60))" $HEX32)")"

# Whole or nothing: a serial the database holds, a bad key package.
gen "$SANDBOX/b.xml" psk $PSK "PG-3:totp:6:30::$HEX" "PG-1:totp:6:30::$HEX"
err=$(mfa import-tokens --psk-file "$SANDBOX/psk.key" "$SANDBOX/b.xml" 2>&1)
is "a serial already there refuses the file" 1 $?
check "and says which" grep -q "PG-1 is already in the inventory" <<<"$err"
gen "$SANDBOX/c.xml" psk $PSK "PG-4:totp:6:30::$HEX" "PG-5:totp:6:30::0011"
err=$(mfa import-tokens --psk-file "$SANDBOX/psk.key" "$SANDBOX/c.xml" 2>&1 | head -n 1)
is "a short seed is named by its key package" "mfa-enroll: $SANDBOX/c.xml: line 36, key package 2 (Id key2): the secret has 2 bytes, fewer than 16" "$err"
is "neither file imported a token" "PG-1" "$(hw)"

# HOTP: the counter goes to the database with the token.
gen "$SANDBOX/d.xml" psk $PSK "PG-6:hotp:6:3::$HEX"
is "an HOTP key package imports" "1 hardware token imported." \
    "$(mfa import-tokens --psk-file "$SANDBOX/psk.key" "$SANDBOX/d.xml")"
is "and enables from its counter 3" "MFA device PG-6 of user bob is enabled." \
    "$(mfa enable bob PG-6 "$(oathtool --hotp -c 3 $HEX)" "$(oathtool --hotp -c 4 $HEX)")"
is "bob logs in with press 5" PAM_SUCCESS "$(auth bob "$(oathtool --hotp -c 5 $HEX)")"

done_testing
