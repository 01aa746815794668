#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# mfa-enroll on a PostgreSQL store: every verb works as on files (create
# with its QR text, enable, resync, list and --json, recovery-codes,
# import-tokens and the inventory, deactivate, check), with the same
# one-line errors, and the module logs in with what it enrolled.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
ENROLL="$AWSMFA_BUILDDIR/enroll_tool/mfa-enroll"
MODULE="$AWSMFA_BUILDDIR/pam_module/.libs/pam_awsmfa.so"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null
CONF=$SANDBOX/awsmfa.conf
cat >"$CONF" <<CONF
store = "postgresql";
db_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=host_a";
db_admin_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=admin1";
issuer = "Example";
CONF
chmod 0644 "$CONF"
mkdir -p "$SANDBOX/pam.d"
echo "auth required $MODULE conf=$CONF" >"$SANDBOX/pam.d/mfa"
mfa() { "$ENROLL" --conf "$CONF" "$@"; }
auth() {
	pam_run "" -- "$DRIVER" -s mfa -u "$1" "$2" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
totp() { oathtool --totp -b "$1" -N "@$(($(date +%s) + $2))"; }

out=$(mfa create alice --qr none </dev/null)
check "create exits 0" test $? -eq 0
s=$(sed -n 's/^Secret: //p' <<<"$out" | tr -d ' ')
check "create shows the secret once" test ${#s} -eq 32
check "and the otpauth URI with it" \
    grep -q "^otpauth://totp/Example:alice?secret=$s&issuer=Example$" <<<"$out"
is "a second create of the same name" \
    "mfa-enroll: user alice already has an MFA device called default" \
    "$(mfa create alice --qr none 2>&1 >/dev/null </dev/null)"
is "enable with two codes" "MFA device default of user alice is enabled." \
    "$(mfa enable alice default "$(totp "$s" -30)" "$(totp "$s" 0)")"
is "enable again: the file store's message" \
    "mfa-enroll: MFA device default of user alice is already enabled (use resync to correct its clock)" \
    "$(mfa enable alice default 123456 654321 2>&1)"
is "the module logs in with what was enrolled" PAM_SUCCESS \
    "$(auth alice "$(totp "$s" 30)")"
is "once" PAM_AUTH_ERR "$(auth alice "$(totp "$s" 30)")"

out=$(mfa resync alice default "$(totp "$s" 570)" "$(totp "$s" 600)")
check "resync learns a clock ten minutes fast" \
    grep -q "^The device's clock is about 6[0-3]0 s ahead" <<<"$out"
is "resync of nothing" "mfa-enroll: MFA device nope does not exist for user alice" \
    "$(mfa resync alice nope 123456 654321 2>&1)"

out=$(mfa list --json)
check "list --json parses" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"
is "and shows the device" "alice default virtual active" \
    "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1])[0]; print(d["user"], d["device"], d["type"], d["status"])' "$out")"
out=$(mfa list; mfa list --json)
check "list holds no secret" test "${out/$s/}" = "$out"

out=$(mfa recovery-codes alice --count 2)
rc=$(grep -Eo '^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$' <<<"$out" | head -n 1)
check "recovery-codes shows two codes" test "$(grep -cE '^[a-z2-7]{4}-' <<<"$out")" -eq 2
is "one logs in" PAM_SUCCESS "$(auth alice "$rc")"
is "once" PAM_AUTH_ERR "$(auth alice "$rc")"

printf 'T100,3132333435363738393031323334353637383930\nT101,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,6,30,SHA1\n' >"$SANDBOX/tokens.csv"
is "import-tokens" "2 hardware tokens imported." "$(mfa import-tokens "$SANDBOX/tokens.csv")"
is "again: refused, nothing imported" \
    "mfa-enroll: $SANDBOX/tokens.csv: token T100 is already in the inventory" \
    "$(mfa import-tokens "$SANDBOX/tokens.csv" 2>&1)"
tok=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
is "a token by serial" "MFA device T101 of user bob is enabled." \
    "$(mfa enable bob T101 "$(totp $tok -30)" "$(totp $tok 0)")"
is "bob logs in with it" PAM_SUCCESS "$(auth bob "$(totp $tok 30)")"
is "list: T100 unassigned" "- T100 hardware T100 unassigned" \
    "$(mfa list | awk '$2 == "T100" {print $1, $2, $3, $4, $5}')"
is "deactivate the token" "MFA device T101 of user bob is deactivated." \
    "$(mfa deactivate bob T101)"
is "it is back in the inventory" "- T101 unassigned" \
    "$(mfa list | awk '$2 == "T101" {print $1, $2, $5}')"
is "deactivate --all" "Every MFA device of user alice is deactivated." \
    "$(mfa deactivate alice --all)"
is "alice has nothing to log in with" PAM_AUTH_ERR "$(auth alice "$(totp "$s" 60)")"
out=$(mfa check 2>"$SANDBOX/check.err")
check "check: no problem ($out)" test $? -eq 0
# Advice on the deployment: warnings, one line each, exit 0 all the same.
w="mfa-enroll: warning: database:"
is "one server without a standby: one warning, no problem" \
    "$CONF and the PostgreSQL store: no problem found, 1 warning." "$out"
is "the warning: no synchronous standby" "$w synchronous_standby_names is empty: a standby promoted after a failover may not know a code the primary accepted, and accept it again (README: Replication)" \
    "$(cat "$SANDBOX/check.err")"
sql postgres -c 'ALTER DATABASE awsmfa SET synchronous_commit = local' \
    -c 'ALTER ROLE host_b SET synchronous_commit = remote_write' \
    -c 'CREATE ROLE web09 LOGIN IN ROLE awsmfa_host' >/dev/null
err=$(mfa check 2>&1 >/dev/null)
is "check still exits 0" 0 $?
check "it warns of synchronous_commit below on" grep -qFx \
    "$w synchronous_commit is local, below on: a standby promoted after a failover may not know a code the primary accepted, and accept it again (README: Replication)" \
    <<<"$err"
check "and of a host role that sets it" grep -qFx \
    "$w login role host_b of awsmfa_host sets synchronous_commit=remote_write, below on: its logins are not synchronous (ALTER ROLE host_b RESET synchronous_commit)" \
    <<<"$err"
check "and of a host role without a CONNECTION LIMIT" grep -qFx \
    "$w 1 login role(s) of awsmfa_host without a CONNECTION LIMIT (web09): one host can take every connection of the server (run mfa-enroll db-init, or ALTER ROLE ... CONNECTION LIMIT n)" \
    <<<"$err"
is "four warnings in all" 4 "$(grep -c ': warning: ' <<<"$err")"
sql postgres -c "UPDATE awsmfa.meta SET v = '0' WHERE k = 'schema_version'" >/dev/null
is "check names a schema it does not know" \
    "mfa-enroll: database: schema version 0, mfa-enroll needs 1 (run mfa-enroll db-init)" \
    "$(mfa check 2>&1 | grep -v ': warning: ')"
done_testing
