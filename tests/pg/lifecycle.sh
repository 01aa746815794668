#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The lifecycle functions of the fleet store, called as an admin role:
# the file store's rules and messages, tokens that move between the
# inventory and a user in one commit, drift learnt without typing delay,
# a future last step set back by resync, and no secret in any answer.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }

# fails DESCRIPTION MESSAGE SQL: the admin's call is refused with MESSAGE.
fails() {
	local out
	out=$(sql admin1 -c "$3" 2>&1)
	is "$1" "ERROR:  $2" "$(grep '^ERROR' <<<"$out")"
}
totp() { oathtool --totp -N "@$(($(date +%s) + $2))" "$1"; }

s=$(enrol alice)
fails "a second device of the same name" \
    "user alice already has an MFA device called phone" \
    "SELECT awsmfa.create_device('alice', 'phone', 'sha1', 6, 30)"
fails "a bad user name" "invalid user name" \
    "SELECT awsmfa.create_device('../x', 'phone', 'sha1', 6, 30)"
fails "a bad device name" "invalid device name or serial" \
    "SELECT awsmfa.create_device('alice', 'a/b', 'sha1', 6, 30)"
fails "enable twice" \
    "MFA device phone of user alice is already enabled (use resync to correct its clock)" \
    "SELECT awsmfa.enable_device('alice', 'phone', '$(totp "$s" -30)', '$(totp "$s" 0)')"
fails "enable of nothing" "MFA device nope does not exist" \
    "SELECT awsmfa.enable_device('alice', 'nope', '123456', '654321')"
fails "resync of nothing" "MFA device nope does not exist for user alice" \
    "SELECT awsmfa.resync_device('alice', 'nope', '123456', '654321')"
fails "codes of the wrong length" "CODE1 and CODE2 must each be 6 digits" \
    "SELECT awsmfa.resync_device('alice', 'phone', '12345', '654321')"
c=$(totp "$s" 0)
fails "the same code twice" \
    "CODE1 and CODE2 are the same code: wait for the device to show the next one" \
    "SELECT awsmfa.resync_device('alice', 'phone', '$c', '$c')"
fails "codes that are not consecutive" \
    "CODE1 and CODE2 are not two consecutive codes of MFA device phone within 20 steps (10 minutes) of now; nothing changed" \
    "SELECT awsmfa.resync_device('alice', 'phone', '$(totp "$s" -90)', '$(totp "$s" 0)')"
sql postgres -c 'UPDATE awsmfa.settings SET max_devices = 1' >/dev/null
fails "max_devices" "user alice already has 1 MFA devices (max_devices is 1)" \
    "SELECT awsmfa.create_device('alice', 'tablet', 'sha1', 6, 30)"
sql postgres -c 'UPDATE awsmfa.settings SET max_devices = 8' >/dev/null

# Typing delay is not drift; a clock ten minutes fast is.
resync() { sql admin1 -F' ' -c "SELECT drift, reset_periods FROM awsmfa.resync_device('alice', 'phone', '$(totp "$s" "$1")', '$(totp "$s" "$2")')"; }
is "codes typed 50 s late: drift 0" 0 "$(resync -80 -50 | cut -d' ' -f1)"
is "codes typed at once: drift 0" 0 "$(resync -30 0 | cut -d' ' -f1)"
out=$(resync 570 600)
check "a clock ten minutes fast: drift 20 to 21 ($out)" \
    grep -Eq '^(20|21) 0$' <<<"$out"
is "its fresh code logs in" "ok code accepted 0" \
    "$(login host_a alice "$(totp "$s" 630)")"
is "list: not ahead while the drift explains it" 0 \
    "$(sql admin1 -c "SELECT ahead FROM awsmfa.list_devices('alice')")"
# The phone's clock is corrected: its codes are now all "used".
sql postgres -c "UPDATE awsmfa.devices SET drift = 0 WHERE user_name = 'alice'" >/dev/null
out=$(sql admin1 -c "SELECT ahead FROM awsmfa.list_devices('alice')")
check "then list shows the last step $out periods ahead" test "$out" -ge 15
is "and a fresh code is refused, saying why" \
    "reused code already used: last-used period in the future 1" \
    "$(login host_a alice "$(totp "$s" 0)")"
out=$(resync -30 0)
check "resync sets the future step back ($out)" \
    grep -Eq '^0 (19|2[0-2])$' <<<"$out"
is "and a fresh code logs in again" "ok code accepted 0" \
    "$(login host_a alice "$(totp "$s" 30)")"
is "list: no longer ahead" 0 \
    "$(sql admin1 -c "SELECT ahead FROM awsmfa.list_devices('alice')")"

# Hardware tokens: into the inventory, to a user and back in one commit.
tok=3132333435363738393031323334353637383930
sql admin1 -c "SELECT awsmfa.import_tokens('{T1,T2}', '{$tok,$tok}', '{6,6}', '{30,30}', '{sha1,sha1}')" >/dev/null
fails "a token imported twice" "token T1 is already in the inventory" \
    "SELECT awsmfa.import_tokens('{T3,T1}', '{$tok,$tok}', '{6,6}', '{30,30}', '{sha1,sha1}')"
is "all or nothing: T3 not imported" "" \
    "$(sql admin1 -c "SELECT device FROM awsmfa.list_devices(NULL) WHERE device = 'T3'")"
is "unassigned tokens are listed" "T1 T2" \
    "$(sql admin1 -c "SELECT device FROM awsmfa.list_devices(NULL) WHERE user_name IS NULL" | paste -sd' ')"
is "enable bob with token T1" 0 \
    "$(sql admin1 -c "SELECT awsmfa.enable_device('bob', 'T1', '$(totp "$tok" -30)', '$(totp "$tok" 0)')")"
fails "T1 for someone else" "MFA device T1 is assigned to another user" \
    "SELECT awsmfa.enable_device('carol', 'T1', '$(totp "$tok" -30)', '$(totp "$tok" 0)')"
is "bob logs in with T1" "ok code accepted 0" \
    "$(login host_b bob "$(totp "$tok" 30)")"
is "deactivate T1" 1 "$(sql admin1 -c "SELECT awsmfa.deactivate_device('bob', 'T1')")"
is "T1 is back in the inventory" "T1 T2" \
    "$(sql admin1 -c "SELECT device FROM awsmfa.list_devices(NULL) WHERE user_name IS NULL" | paste -sd' ')"
is "bob has no device" "nodevice no active device" \
    "$(login host_b bob "$(totp "$tok" 60)" | cut -d' ' -f1-4)"
is "carol takes T1" 0 \
    "$(sql admin1 -c "SELECT awsmfa.enable_device('carol', 'T1', '$(totp "$tok" 0)', '$(totp "$tok" 30)')")"
fails "deactivate --all of a user with none" "user bob has no MFA device" \
    "SELECT awsmfa.deactivate_device('bob', NULL)"

# Recovery hashes are stored as given, only for a user with a device.
fails "recovery codes without a device" "user dave has no MFA device" \
    "SELECT awsmfa.set_recovery('dave', '{h1}')"
is "recovery hashes stored" 2 \
    "$(sql admin1 -c "SELECT awsmfa.set_recovery('alice', '{h1,h2}')")"
is "deactivate --all" 1 "$(sql admin1 -c "SELECT awsmfa.deactivate_device('alice', NULL)")"
is "also clears the recovery codes" 0 \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.recovery WHERE user_name = 'alice'")"

out=$(sql admin1 -c "SELECT * FROM awsmfa.list_devices(NULL)")
check "list shows no secret" bash -c "! grep -qiE '$tok|$s' <<<'$out'"
is "no function of the admin's returns a secret but create" create_device \
    "$(sql postgres -c "SELECT p.proname FROM pg_proc p
	JOIN pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'awsmfa' AND p.prorettype = 'bytea'::regtype
	AND has_function_privilege('awsmfa_admin', p.oid, 'EXECUTE')")"
is "nor of the host's" "" \
    "$(sql postgres -c "SELECT p.proname FROM pg_proc p
	JOIN pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'awsmfa' AND p.prorettype = 'bytea'::regtype
	AND has_function_privilege('awsmfa_host', p.oid, 'EXECUTE')")"
done_testing
