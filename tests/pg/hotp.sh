#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Counter (HOTP) devices on PostgreSQL: db-init sets hotp_look_ahead from
# the config and runs again without harm; create --type hotp, enable,
# logins through the module within the look-ahead and once each, resync;
# HOTP rows of the CSV; migrate copies a file store's HOTP device and
# token with their counters, and the database goes on from there.
# oathtool --hotp is the reference for every code.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
ENROLL="$AWSMFA_BUILDDIR/tests/intree/mfa-enroll"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
{ [ -x "$ENROLL" ] && [ -x "$DRIVER" ] && [ -x "$MODULE" ]; } ||
    skip_all "mfa-enroll, the module or the driver not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
CONF=$SANDBOX/awsmfa.conf
cat >"$CONF" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_admin_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=postgres";
issuer = "Example";
hotp_look_ahead = 3;
max_failures = 100;
CONF
chmod 0644 "$CONF"
FILES=$SANDBOX/files.conf
cat >"$FILES" <<CONF
store_dir = "$SANDBOX/files";
CONF
chmod 0644 "$FILES"
mkdir -p "$SANDBOX/pam.d"
echo "auth required $MODULE conf=$CONF" >"$SANDBOX/pam.d/mfa"
echo "auth required $MODULE conf=$FILES" >"$SANDBOX/pam.d/files"
mfa() { "$ENROLL" --conf "$CONF" "$@"; }
fmfa() { "$ENROLL" --conf "$FILES" "$@"; }
auth() {
	pam_run "" -- "$DRIVER" -s "${3:-mfa}" -u "$1" "$2" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
hotp() { oathtool --hotp -b -c "$2" "$1"; }
hotp_hex() { oathtool --hotp -c "$2" "$1"; }

# The tables as they were before HOTP, with a TOTP device in them.
a=$(enrol alice) || { echo "Bail out! enrol failed"; exit 1; }
sql postgres -c 'ALTER TABLE awsmfa.devices DROP COLUMN kind,
    DROP COLUMN counter, ALTER COLUMN period SET NOT NULL' \
    -c 'ALTER TABLE awsmfa.inventory DROP COLUMN kind, DROP COLUMN counter,
    ALTER COLUMN period SET NOT NULL' \
    -c 'ALTER TABLE awsmfa.settings DROP COLUMN hotp_look_ahead' >/dev/null
for i in 1 2; do
	mfa db-init --key-file "$SANDBOX/db.key" >/dev/null 2>&1
	is "db-init run $i upgrades the tables in place" 0 $?
done
is "db-init sets the look-ahead from the config" 3 \
    "$(sql postgres -c 'SELECT hotp_look_ahead FROM awsmfa.settings')"
is "alice's TOTP device came through as one" "totp 30 " \
    "$(sql postgres -F' ' -c "SELECT kind, period, counter FROM awsmfa.devices
	WHERE user_name = 'alice'")"
is "and logs in" PAM_SUCCESS \
    "$(auth alice "$(oathtool --totp -N "@$(($(date +%s) + 30))" "$a")")"
# The admin's role from here on, as README's fleet guide has it.
sed -i 's/user=postgres/user=admin1/' "$CONF"

out=$(mfa create carol --device key --type hotp --qr none </dev/null)
is "create --type hotp" 0 $?
s=$(sed -n 's/^Secret: //p' <<<"$out" | tr -d ' ')
check "an hotp URI with counter=0" \
    grep -q "^otpauth://hotp/Example:carol?secret=$s&issuer=Example&counter=0$" <<<"$out"
err=$(mfa enable carol key "$(hotp "$s" 0)" "$(hotp "$s" 2)" 2>&1)
is "enable refuses codes that are not consecutive, as files do" \
    "mfa-enroll: CODE1 and CODE2 are not two consecutive codes of MFA device key within the 100 counters from its counter 0; nothing changed" \
    "$err"
mfa enable carol key "$(hotp "$s" 3)" "$(hotp "$s" 4)" >/dev/null
is "enable with counters 3 and 4" 0 $?
is "CODE2's code is spent" PAM_AUTH_ERR "$(auth carol "$(hotp "$s" 4)")"
is "counter 8 lies beyond the look-ahead (5, 6, 7)" PAM_AUTH_ERR \
    "$(auth carol "$(hotp "$s" 8)")"
is "counter 7 is accepted" PAM_SUCCESS "$(auth carol "$(hotp "$s" 7)")"
is "once" PAM_AUTH_ERR "$(auth carol "$(hotp "$s" 7)")"
is "the counter moved past it" 8 \
    "$(sql postgres -c "SELECT counter FROM awsmfa.devices WHERE user_name = 'carol'")"
is "the attempts say why" "reused|code already used" \
    "$(sql postgres -c "SELECT result, reason FROM awsmfa.attempts
	WHERE user_name = 'carol' ORDER BY id DESC LIMIT 1")"
# 16 logins racing with one code: the user's row lock lets exactly one
# win (max_failures is high enough that the others lock nobody out).
# Fewer than the host role's CONNECTION LIMIT (20), which would refuse
# the rest before they race.
c=$(hotp "$s" 8)
for i in $(seq 16); do
	pam_run "" -- "$DRIVER" -s mfa -u carol "$c" >"$SANDBOX/race.$i" 2>&1 &
done
wait
is "16 logins racing with one code: exactly one wins" 1 \
    "$(cat "$SANDBOX"/race.* | grep -c '^result: PAM_SUCCESS$')"
is "the other 15 are refused" 15 \
    "$(cat "$SANDBOX"/race.* | grep -c '^result: PAM_AUTH_ERR$')"
mfa resync carol key "$(hotp "$s" 60)" "$(hotp "$s" 61)" >/dev/null
is "resync further out" 0 $?
is "and the next code after it" PAM_SUCCESS "$(auth carol "$(hotp "$s" 62)")"
err=$(mfa resync carol key "$(hotp "$s" 20)" "$(hotp "$s" 21)" 2>&1)
is "resync never moves back" 1 $?
is "list: hotp, no period" "key hotp" \
    "$(mfa list carol | awk 'NR == 2 {print $2, $NF}')"

HEX=3132333435363738393031323334353637383930
printf 'YK1,%s,6,,SHA1,5\nT1,%s\n' "$HEX" "$HEX" >"$SANDBOX/t.csv"
mfa import-tokens "$SANDBOX/t.csv" >/dev/null
is "an HOTP row and a TOTP row import" 0 $?
is "the inventory keeps kind, period and counter" "T1|totp|30|
YK1|hotp||5" "$(sql postgres -c 'SELECT serial, kind, period, counter
    FROM awsmfa.inventory ORDER BY 1')"
mfa enable bob YK1 "$(hotp_hex $HEX 5)" "$(hotp_hex $HEX 6)" >/dev/null
is "enable of the token from its counter" 0 $?
is "bob logs in with its next code" PAM_SUCCESS "$(auth bob "$(hotp_hex $HEX 8)")"

# A file store with an HOTP device used up to counter 2 and a token.
out=$(fmfa create dave --device key --type hotp --qr none </dev/null)
d=$(sed -n 's/^Secret: //p' <<<"$out" | tr -d ' ')
fmfa enable dave key "$(hotp "$d" 0)" "$(hotp "$d" 1)" >/dev/null
is "dave logs in on the file store" PAM_SUCCESS \
    "$(auth dave "$(hotp "$d" 2)" files)"
printf 'YK9,%s,8,,SHA1,40\n' "$HEX" >"$SANDBOX/f.csv"
fmfa import-tokens "$SANDBOX/f.csv" >/dev/null
out=$(mfa migrate --from-file-store "$SANDBOX/files" 2>&1)
is "migrate copies the HOTP device and token" 0 $?
is "with their counters" "hotp 3
hotp 40" "$(sql postgres -F' ' -c "SELECT kind, counter FROM awsmfa.devices
    WHERE user_name = 'dave' UNION ALL SELECT kind, counter FROM
    awsmfa.inventory WHERE serial = 'YK9'")"
is "a code spent on the file store stays spent" PAM_AUTH_ERR \
    "$(auth dave "$(hotp "$d" 2)")"
is "the next one is accepted by the database" PAM_SUCCESS \
    "$(auth dave "$(hotp "$d" 3)")"

done_testing
