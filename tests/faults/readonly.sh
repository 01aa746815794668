#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The store on a read-only filesystem (the store folder bind-mounted onto
# itself and remounted read-only, inside unshare -m): every login fails
# closed with PAM_AUTHINFO_UNAVAIL, since none could save its step or
# failure count; mfa-enroll's writing verbs fail with one line; nothing is
# damaged, and all works again once the store is writable.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/faults/faultlib.sh"

write_conf "max_failures = 100;"
service mfa "auth required $MODULE conf=$CONF"
read -r RCODE RHASH < <("$MKRECORD" recovery)
enroll alice
enroll bob
rm -f "$STORE/.lock.bob"
enroll carol "recovery=$RHASH"
"$MKRECORD" write "$STORE" erin dev=phone "secret=$SECRET" status=pending
"$MKRECORD" write "$STORE" frank dev=phone "secret=$SECRET" \
    dev=tablet "secret=$SECRET"
is "alice logs in while the store is writable" PAM_SUCCESS \
    "$(login $((T0 - 60)) alice "$(code $((T0 - 60)))")"

at_exit "mountpoint -q '$STORE' && umount '$STORE'"
if ! mount --bind "$STORE" "$STORE" 2>/dev/null ||
    ! mount -o remount,ro,bind "$STORE" 2>/dev/null; then
	skip_all "cannot bind-mount read-only here"
fi
check "the store is read-only" sh -c "! touch '$STORE/.probe' 2>/dev/null"

before=$(for u in alice bob carol erin frank; do show $u; done)
is "alice, fresh code: fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $T0 alice "$(code $T0)")"
is "alice, replayed code: fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $T0 alice "$(code $((T0 - 60)))")"
is "alice, wrong code: fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $T0 alice 000000)"
is "bob (no lock file): fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $T0 bob "$(code $T0)")"
is "carol's recovery code: fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $T0 carol "$RCODE")"

RO="Read-only file system"
one_line_error "create" "$RO" create dave --qr none
one_line_error "recovery-codes" "$RO" recovery-codes alice
one_line_error "deactivate" "$RO" deactivate frank tablet
one_line_error "deactivate --all" "$RO" deactivate frank --all
printf 'T100,%s\n' "$SECRET" >"$SANDBOX/tokens.csv"
one_line_error "import-tokens" "$RO" import-tokens "$SANDBOX/tokens.csv"
mfa_at $T0 enable erin phone "$(code $((T0 - 30)))" "$(code $T0)" \
    >/dev/null 2>"$SANDBOX/err" && r=0 || r=$?
is "enable fails with one line" "1 1 1" \
    "$r $(wc -l <"$SANDBOX/err") $(grep -c "$RO" "$SANDBOX/err")"
is "no record changed" "$before" \
    "$(for u in alice bob carol erin frank; do show $u; done)"
store_sound "read-only"

umount "$STORE"
check "writable again" sh -c "touch '$STORE/.probe' && rm '$STORE/.probe'"
is "alice's code, never accepted, now logs in" PAM_SUCCESS \
    "$(login $T0 alice "$(code $T0)")"
is "once" PAM_AUTH_ERR "$(login $T0 alice "$(code $T0)")"
is "bob logs in" PAM_SUCCESS "$(login $T0 bob "$(code $T0)")"
is "carol's recovery code works" PAM_SUCCESS "$(login $T0 carol "$RCODE")"
is "once" PAM_AUTH_ERR "$(login $T0 carol "$RCODE")"
check "create" sh -c \
    "'$ENROLL' --conf '$CONF' create dave --qr none >/dev/null </dev/null"
check "recovery-codes" sh -c \
    "'$ENROLL' --conf '$CONF' recovery-codes alice >/dev/null"
check "deactivate" sh -c \
    "'$ENROLL' --conf '$CONF' deactivate frank tablet >/dev/null"
check "import-tokens" sh -c \
    "'$ENROLL' --conf '$CONF' import-tokens '$SANDBOX/tokens.csv' >/dev/null"
check "enable" mfa_at $T0 enable erin phone "$(code $((T0 - 30)))" \
    "$(code $T0)"
store_sound "writable"

# Only carol's record read-only (a file bind mount): her lock file can be
# taken, and then the record cannot be opened for writing, or replaced.
read -r RCODE2 RHASH2 < <("$MKRECORD" recovery)
enroll carol "recovery=$RHASH2"
mount --bind "$STORE/carol" "$STORE/carol" &&
    mount -o remount,ro,bind "$STORE/carol"
at_exit "mountpoint -q '$STORE/carol' && umount '$STORE/carol'"
before=$(show carol)
is "read-only record: a fresh code fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $((T0 + 60)) carol "$(code $((T0 + 60)))")"
is "read-only record: a recovery code fails closed" PAM_AUTHINFO_UNAVAIL \
    "$(login $((T0 + 60)) carol "$RCODE2")"
is "read-only record: unchanged" "$before" "$(show carol)"
is "the other users log in" PAM_SUCCESS \
    "$(login $((T0 + 60)) alice "$(code $((T0 + 60)))")"
umount "$STORE/carol"
is "writable record: the fresh code logs in" PAM_SUCCESS \
    "$(login $((T0 + 60)) carol "$(code $((T0 + 60)))")"
is "writable record: the recovery code works" PAM_SUCCESS \
    "$(login $((T0 + 60)) carol "$RCODE2")"
no_double_accept

done_testing
