#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# mfa-enroll migrate: a file store made by mfa-enroll and used through
# the PAM module (virtual devices, a pending one, hardware tokens, drift,
# recovery codes, a lockout) is copied into a server of the test's own
# and verified; the database then decides as the file store would have:
# a code used before the copy stays used, a spent recovery code stays
# spent, the lock holds.  A second copy is refused, and a copy that fails
# half-way leaves the database as it was.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
{ [ -x "$DRIVER" ] && [ -x "$MODULE" ]; } || skip_all "module or driver not built"
[ -r "$FAKETIME_LIB" ] || skip_all "libfaketime missing"
export TZ=UTC
T0=1767225600	# 2026-01-01 00:00:00 UTC

pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
sql postgres -c 'UPDATE awsmfa.settings SET win = 3' >/dev/null
mkdir -p "$SANDBOX/pam.d"

# store NAME: a file store $SANDBOX/NAME with its config and PAM service.
store() {
	cat >"$SANDBOX/$1.conf" <<CONF
store_dir = "$SANDBOX/$1";
window = 3;
db_admin_conninfo = "host=$PG_DIR port=$PG_PORT dbname=awsmfa user=admin1";
CONF
	chmod 0644 "$SANDBOX/$1.conf"
	echo "auth required $MODULE conf=$SANDBOX/$1.conf" >"$SANDBOX/pam.d/$1"
}
store files
mfa() { "$ENROLL" --conf "$SANDBOX/${CONF_NAME:-files}.conf" "$@"; }
stamp() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# at EPOCH command...: with the clock frozen at EPOCH.
at() {
	local e=$1
	shift
	LD_PRELOAD="$AWSMFA_PRELOAD $FAKETIME_LIB" FAKETIME="$(stamp "$e")" "$@"
}
# create USER: a virtual device "phone"; prints its base32 secret.
create() {
	mfa create "$1" --device phone --qr none </dev/null |
	    sed -n 's/^Secret: //p' | tr -d ' '
}
code() { oathtool --totp -b -N "@$2" "$1"; }
# enable USER DEVICE SECRET T [oathtool options]: codes of T-30 and T.
enable() {
	mfa enable "$1" "$2" "$(oathtool --totp "${@:5}" -N "@$(($4 - 30))" "$3")" \
	    "$(oathtool --totp "${@:5}" -N "@$4" "$3")" >/dev/null
}
# fs_login USER INPUT: the module's answer on the file store.
fs_login() {
	pam_run "" -- "$DRIVER" -s files -u "$1" "$2" 2>&1 |
	    sed -n 's/^result: //p' | tail -n 1
}
# db_state: every row of the tables a migration writes, as a digest.
db_state() {
	sql postgres -c "SELECT md5(string_agg(x, ';' ORDER BY x)) FROM (
	    SELECT u::text x FROM awsmfa.users u UNION ALL
	    SELECT d::text FROM awsmfa.devices d UNION ALL
	    SELECT i::text FROM awsmfa.inventory i UNION ALL
	    SELECT r::text FROM awsmfa.recovery r) t"
}

# alice: a phone, three recovery codes, one code and one recovery code
# used on the file store.
A=$(create alice)
now=$(date +%s)
enable alice phone "$A" "$now" -b
mapfile -t rc < <(mfa recovery-codes alice --count 3)
t=$(date +%s)
used=$(code "$A" $((t + 30)))
is "alice logs in on the file store" PAM_SUCCESS "$(fs_login alice "$used")"
is "with a recovery code too" PAM_SUCCESS "$(fs_login alice "${rc[0]}")"
# bob: a hardware token from the inventory; another stays unassigned.
tok=3132333435363738393031323334353637383930
printf 'T1,%s\nT2,%s,8,60,sha256\n' "$tok" "${tok}0102" >"$SANDBOX/tokens.csv"
mfa import-tokens "$SANDBOX/tokens.csv" >/dev/null
enable bob T1 "$tok" "$(date +%s)"
# carol: a phone ten minutes fast, so a drift.
C=$(create carol)
enable carol phone "$C" $(($(date +%s) + 600)) -b
# dave: a pending phone, and eve a phone, both made on 2026-01-01.
at $T0 mfa create dave --device phone --qr none </dev/null >/dev/null
# dave is invited too: the invitation goes with him.
at $T0 mfa invite dave >/dev/null
E=$(at $T0 mfa create eve --device phone --qr none </dev/null |
    sed -n 's/^Secret: //p' | tr -d ' ')
at $((T0 + 5)) mfa enable eve phone "$(code "$E" $((T0 - 30)))" \
    "$(code "$E" $T0)" >/dev/null
# frank: locked out by five wrong codes.
F=$(create frank)
enable frank phone "$F" "$(date +%s)" -b
for _ in 1 2 3 4 5; do fs_login frank 000000 >/dev/null; done
is "frank is locked on the file store" PAM_MAXTRIES \
    "$(fs_login frank "$(code "$F" $(($(date +%s) + 30)))")"

out=$(mfa migrate --from-file-store "$SANDBOX/files" 2>&1)
is "migrate copies the file store" 0 $?
is "and counts what it copied" \
    "Copied from $SANDBOX/files: 6 users, 6 devices (5 active, 1 pending), 2 recovery codes, 2 hardware tokens (1 assigned)." \
    "$(head -n 1 <<<"$out")"
check "the copy verifies" grep -q 'The copy reads back the same' <<<"$out"
dh=$(tr -d '\0' <"$SANDBOX/files/dave" | sed -n 's/^invitation \(\$.*\)$/\1/p' | head -n 1)
is "dave's invitation is copied with its hash and expiry" \
    "dave $((T0 + 72 * 3600))" \
    "$(sql postgres -F' ' -c "SELECT user_name, expires FROM awsmfa.invitations
	WHERE hash = '$dh'")"

rows=$(sql admin1 -F' ' -c "SELECT user_name, device, coalesce(serial, '-'),
    active, alg, digits, period, failures, nrecovery
    FROM awsmfa.list_devices(NULL) ORDER BY 1, 2")
is "every device, its state, lockout and recovery count is in the database" \
"alice phone - t sha1 6 30 0 2
bob T1 T1 t sha1 6 30 0 0
carol phone - t sha1 6 30 0 0
dave phone - f sha1 6 30 0 0
eve phone - t sha1 6 30 0 0
frank phone - t sha1 6 30 5 0
 T2 T2 f sha256 8 60  " "$rows"
is "the tokens and who holds them" "T1 sha1 6 30 bob
T2 sha256 8 60 " "$(sql admin1 -F' ' -c 'SELECT serial, alg, digits, period, user_name FROM awsmfa.list_tokens()')"
is "dave's pending device keeps its creation time, and no last step" \
    "$T0 0 0 " "$(sql admin1 -F' ' -c "SELECT created, enabled, last_used,
    last_step FROM awsmfa.list_devices('dave')")"
is "eve's its creation, enabling and last step" \
    "$T0 $((T0 + 5)) $((T0 / 30))" "$(sql admin1 -F' ' -c "SELECT created,
    enabled, last_step FROM awsmfa.list_devices('eve')")"
is "alice's last step is the one she used" "$(((t + 30) / 30))" \
    "$(sql admin1 -c "SELECT last_step FROM awsmfa.list_devices('alice')")"
out=$(sql admin1 -c "SELECT drift FROM awsmfa.list_devices('carol')")
check "carol's drift is kept ($out)" grep -Eq '^(20|21)$' <<<"$out"
check "frank's lock is kept" test "$(sql admin1 -c "SELECT locked_until
    FROM awsmfa.list_devices('frank')")" -gt "$(date +%s)"

# The database decides now: what was used stays used.
is "a code used on the file store is refused by the database" \
    "reused code already used 1" "$(login host_a alice "$used")"
is "a fresh code logs in" "ok code accepted 0" \
    "$(login host_a alice "$(code "$A" $(($(date +%s) + 60)))")"
is "the recovery code used on the file store is refused" \
    "bad wrong recovery code 1" "$(login host_a alice "${rc[0]}")"
is "another recovery code logs in" "recovery_ok recovery code accepted 0" \
    "$(login host_a alice "${rc[1]}")"
is "once" "bad wrong recovery code 1" "$(login host_a alice "${rc[1]}")"
is "bob logs in with his token" "ok code accepted 0" \
    "$(login host_a bob "$(oathtool --totp -N "@$(($(date +%s) + 30))" "$tok")")"
is "carol with her fast phone" "ok code accepted 0" \
    "$(login host_a carol "$(code "$C" $(($(date +%s) + 630)))")"
is "eve" "ok code accepted 0" \
    "$(login host_a eve "$(code "$E" $(($(date +%s) + 30)))")"
is "dave's pending device does not log in" "nodevice" \
    "$(login host_a dave 123456 | cut -d' ' -f1)"
is "frank is still locked" "locked locked out 5" \
    "$(login host_a frank "$(code "$F" $(($(date +%s) + 60)))")"
is "T2 goes to a new user in the database" 0 \
    "$(t=$(date +%s); sql admin1 -c "SELECT awsmfa.enable_device('gail', 'T2',
	'$(oathtool --totp=sha256 -d 8 -s 60 -N "@$((t - 60))" "${tok}0102")',
	'$(oathtool --totp=sha256 -d 8 -s 60 -N "@$t" "${tok}0102")')")"

before=$(db_state)
err=$(mfa migrate --from-file-store "$SANDBOX/files" 2>&1 >/dev/null)
is "a second migrate is refused, naming the first user" \
    "1 mfa-enroll: migrate: user alice is already in the database; nothing was copied" \
    "$? $err"
is "and changes nothing" "$before" "$(db_state)"

# A store whose last record is broken: its first users are copied, then
# the copy fails and is rolled back.
store broken
CONF_NAME=broken
H=$(create hank)
enable hank phone "$H" "$(date +%s)" -b
printf 'not a record\n' >"$SANDBOX/broken/zed"
chmod 0600 "$SANDBOX/broken/zed"
err=$(mfa migrate --from-file-store "$SANDBOX/broken" 2>&1 >/dev/null)
check "a store with a bad record is refused ($err)" \
    grep -q '^mfa-enroll: migrate: .*zed.*; nothing was copied$' <<<"$err"
is "after hank was copied: the database is as it was" "$before" "$(db_state)"
# Refused by the database after a user was copied: a token it holds.
rm "$SANDBOX/broken/zed"
printf 'T1,%s\n' "$tok" >"$SANDBOX/t1.csv"
mfa import-tokens "$SANDBOX/t1.csv" >/dev/null
err=$(mfa migrate --from-file-store "$SANDBOX/broken" 2>&1 >/dev/null)
is "a token the database holds already: refused" \
    "1 mfa-enroll: migrate: token T1 is already in the inventory; nothing was copied" \
    "$? $err"
is "and the database is as it was" "$before" "$(db_state)"
CONF_NAME=

err=$(mfa migrate --from-file-store "$SANDBOX/nowhere" 2>&1 >/dev/null)
check "a store that does not exist is refused ($err)" \
    grep -q "^mfa-enroll: .*$SANDBOX/nowhere" <<<"$err"
check "no secret reached the server's log" \
    bash -c "! grep -qiE '$tok|$A|$(base32 -d <<<"$A" 2>/dev/null | od -An -tx1 | tr -d ' \n')' '$PG_DIR/log'"
done_testing
