#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Help, usage errors (exit 2, one line) and the check verb.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

is "--version" "mfa-enroll $(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' \
    "$AWSMFA_SRCDIR/configure.ac")" "$("$ENROLL" --version)"
out=$("$ENROLL" --help)
is "--help exits 0" 0 $?
for v in create enable resync deactivate list import-tokens recovery-codes check; do
	check "--help lists $v" grep -q "^  $v" <<<"$out"
	out2=$("$ENROLL" "$v" --help)
	is "$v --help exits 0" 0 $?
	check "$v --help shows its usage" grep -q "^usage: mfa-enroll \[--conf FILE\] $v" <<<"$out2"
done

usage() {
	local what=$1 msg=$2 err
	shift 2
	err=$("$ENROLL" "$@" 2>&1 >/dev/null)
	is "$what" "2|$msg" "$?|$err"
}
usage "no verb" "mfa-enroll: no verb given (see 'mfa-enroll --help')"
usage "unknown verb" "mfa-enroll: unknown verb \"frobnicate\" (see 'mfa-enroll --help')" frobnicate
usage "unknown global option" "mfa-enroll: bad option --frob (see 'mfa-enroll --help')" --frob list
usage "unknown verb option" "mfa-enroll: list: bad or incomplete option --frob (see 'list --help')" list --frob
usage "missing option argument" "mfa-enroll: create: bad or incomplete option --device (see 'create --help')" create alice --device
usage "create without a user" "mfa-enroll: create: expected USER (see 'create --help')" create

err=$("$ENROLL" --conf "$SANDBOX/none.conf" list 2>&1 >/dev/null)
is "a missing config fails with exit 1" 1 $?
case $err in "mfa-enroll: $SANDBOX/none.conf"*) ok "and names the file" ;; *) not_ok "names the file: $err" ;; esac

# create and check name a user NSS does not know (a typo, a deleted
# account), and say nothing of one it knows.
ghost=awsmfa-no-such-user
err=$(mfa create "$ghost" --qr none 2>&1 >/dev/null </dev/null)
is "create warns on a user NSS does not know" \
    "mfa-enroll: warning: user $ghost is not known to this system (NSS)" "$err"
err=$(mfa create root --qr none 2>&1 >/dev/null </dev/null)
is "and not on one it knows" "" "$err"
out=$(mfa check 2>"$SANDBOX/err")
is "check lists the unknown user's record as a warning, exit 0" \
    "0|$CONF and $STORE: no problem found, 1 warning.|mfa-enroll: warning: user $ghost holds MFA devices but is not known to this system (NSS)" \
    "$?|$out|$(cat "$SANDBOX/err")"
mfa deactivate "$ghost" --all >/dev/null
mfa deactivate root --all >/dev/null

# check: a healthy store, then one problem of each kind.  alice is no
# account of this machine: her warning is counted, not a problem.
create_device alice
out=$(mfa check 2>/dev/null)
is "check on a healthy store" "0|$CONF and $STORE: no problem found, 1 warning." "$?|$out"
printf 'awsmfa-record 1\nuser mallory\ngarbage\n' > "$STORE/mallory"
chmod 0600 "$STORE/mallory"
err=$(mfa check 2>&1 >/dev/null)
is "check finds a corrupt record: exit 1" 1 $?
check "the problem names the record's path" grep -q "$STORE/mallory" <<<"$err"
rm -f "$STORE/mallory"
chmod 0644 "$STORE/alice"
err=$(mfa check 2>&1 >/dev/null)
is "check finds a record with a wide mode" 1 $?
check "and names it" grep -q "$STORE/alice" <<<"$err"
chmod 0600 "$STORE/alice"
chmod 0755 "$STORE"
err=$(mfa check 2>&1 >/dev/null)
is "check finds a store with a wide mode" 1 $?
check "and names it" grep -q "$STORE" <<<"$err"
chmod 0700 "$STORE"
echo 'colour = "blue";' >> "$CONF"
err=$(mfa check 2>&1 >/dev/null)
is "check finds an unknown config key" 1 $?
check "and names the config file" grep -q "^mfa-enroll: $CONF" <<<"$err"
check "every problem is one line starting mfa-enroll:" \
    sh -c "! printf '%s\n' \"\$1\" | grep -qv '^mfa-enroll: '" - "$err"
# A config in a folder that someone but root can change.
mkdir -m 0775 "$SANDBOX/etc"
sed '/^colour/d' "$CONF" > "$SANDBOX/etc/awsmfa.conf"
err=$("$ENROLL" --conf "$SANDBOX/etc/awsmfa.conf" check 2>&1 >/dev/null)
is "check finds a config in a group-writable folder" 1 $?
is "and names the file, the folder and the rule" \
    "mfa-enroll: $SANDBOX/etc/awsmfa.conf: folder $SANDBOX/etc: mode 0775, writable by group or others and not sticky" \
    "$(head -n 1 <<<"$err")"
chmod 0755 "$SANDBOX/etc"
out=$("$ENROLL" --conf "$SANDBOX/etc/awsmfa.conf" check 2>/dev/null)
is "and none once the folder is closed" \
    "0|$SANDBOX/etc/awsmfa.conf and $STORE: no problem found, 1 warning." \
    "$?|$out"

done_testing
