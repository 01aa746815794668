#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Invitations on the file store (issue 20): invite prints a code once,
# list and report show it; at login a user with no active device and a
# live invitation is asked for it (also under nullok), it is accepted
# until the first device is enabled or it expires, a wrong one counts
# against lockout, a replaced or revoked one is refused; invite --group
# invites the members of an NSS group without a device, into a 0600 CSV.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"
syslog_setup

write_conf "max_failures = 3;" "lockout_seconds = 600;"
service strict "auth required $MODULE conf=$CONF" \
    "auth required $PAM_PERMIT"
service nullok "auth required $MODULE conf=$CONF nullok" \
    "auth required $PAM_PERMIT"
mfa() { pam_run "$(ft "${AT:-$T0}")" -- "$ENROLL" --conf "$CONF" "$@"; }
login() { result "$(auth "$1" -s "$2" -u daemon "$3")"; }
said() {
	local e
	e=$("$@" 2>&1 >/dev/null)
	printf '%s %s' "$?" "$e"
}
invite() { mfa invite daemon "$@" | sed -n 's/^    \(inv-.*\)$/\1/p'; }
H=3600

out=$(mfa invite daemon)
inv=$(sed -n 's/^    \(inv-.*\)$/\1/p' <<<"$out")
check "the code: inv- and five groups of four (100 bits)" \
    grep -Eqx 'inv(-[a-z2-7]{4}){5}' <<<"$inv"
is "default expiry: 72 hours" 1 \
    "$(grep -c 'valid until 2026-01-04T00:00:10Z' <<<"$out")"
check "the store keeps the hash only" \
    bash -c "! grep -aq '${inv#inv-}' '$STORE/daemon' && ! grep -aq '${inv//-/}' '$STORE/daemon'"
is "list shows the invitation and its expiry" \
    "daemon - - - invited - - 2026-01-04T00:00:10Z -" \
    "$(mfa list daemon | sed 1d | tr -s ' ')"
check "list --json too" grep -q '"status": "invited", .*"expires": "2026-01-04T00:00:10Z"' \
    <<<"$(mfa list --json)"

out=$(auth $((T0 + 60)) -s nullok -u daemon "$inv")
is "under nullok the invited user is asked" 1 "$(grep -c '^prompt: ' <<<"$out")"
is "and the invitation logs in" PAM_SUCCESS "$(result "$out")"
is "then the module says to enrol now" 1 \
    "$(grep -c '^info: .*mfa-enroll create' <<<"$out")"
if [ -n "$SYSLOG" ]; then
	check "audited as invitation accepted" \
	    grep -q 'result=success reason="invitation accepted"' "$SYSLOG"
fi
is "it stays valid (a dropped connection)" PAM_SUCCESS \
    "$(login $((T0 + 120)) strict "$inv")"
is "typed in capitals with spaces" PAM_SUCCESS \
    "$(login $((T0 + 120)) strict "$(tr 'a-z-' 'A-Z ' <<<"$inv")")"
is "a wrong invitation is refused" PAM_AUTH_ERR \
    "$(login $((T0 + 180)) strict inv-aaaa-aaaa-aaaa-aaaa-aaaa)"
is "and counted" 1 "$(show daemon | sed -n 's/^failures=//p')"
is "a 6-digit code is no invitation" PAM_AUTH_ERR \
    "$(login $((T0 + 180)) strict 123456)"
login $((T0 + 180)) strict inv-aaaa-aaaa-aaaa-aaaa-aaab >/dev/null
is "three misses lock: the right invitation is refused" PAM_MAXTRIES \
    "$(login $((T0 + 200)) strict "$inv")"
is "after the lock, it logs in again" PAM_SUCCESS \
    "$(login $((T0 + 900)) strict "$inv")"

# split_pass under nullok: the invitation is cut off the password as a
# code is, and the password handed on.
service fwd "auth required $MODULE conf=$CONF split_pass nullok" \
    "auth required $PAM_GET_ITEMS" "auth required $MODULE conf=$CONF nullok"
out=$(auth $((T0 + 960)) -s fwd -u daemon -e PAM_AUTHTOK "s3cret$inv")
is "split_pass: password+invitation accepted, the password handed on" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=s3cret" \
    "$(result "$out")|$(grep '^env:' <<<"$out")"
service tryitem "auth required $PAM_SET_ITEMS" \
    "auth required $MODULE conf=$CONF try_first_pass nullok"
out=$(PAM_AUTHTOK=$inv auth $((T0 + 960)) -s tryitem -u daemon)
is "try_first_pass: a stacked invitation is tried" "PAM_SUCCESS 0" \
    "$(result "$out") $(grep -c '^prompt' <<<"$out")"

is "past its expiry, under nullok, as no invitation: ignored" PAM_SUCCESS \
    "$(login $((T0 + 72 * H + 1)) nullok "")"
is "and refused without nullok" PAM_AUTH_ERR \
    "$(login $((T0 + 72 * H + 1)) strict "$inv")"
is "report says expired" "daemon expired 0 - 2026-01-04T00:00:10Z" \
    "$(AT=$((T0 + 72 * H + 1)) mfa report | sed 1d | tr -s ' ')"

new=$(invite --expires 90m)
is "a new invitation replaces the old: the old is refused" PAM_AUTH_ERR \
    "$(login $((T0 + 60)) strict "$inv")"
is "the new one logs in" PAM_SUCCESS "$(login $((T0 + 60)) strict "$new")"
is "--expires 90m" PAM_AUTH_ERR "$(login $((T0 + 90 * 60 + 1)) strict "$new")"
is "revoke" "Invitation of daemon revoked." "$(mfa invite daemon --revoke)"
is "a revoked invitation is refused" PAM_AUTH_ERR \
    "$(login $((T0 + 60)) strict "$new")"
is "and the record is gone with it" "" "$(ls "$STORE")"
is "revoke again: one line" "1 mfa-enroll: user daemon has no invitation" \
    "$(said mfa invite daemon --revoke)"
is "more than 30 days: one line" \
    "2 mfa-enroll: invite: invalid duration \"31d\" (e.g. 90m, 72h or 3d; at most 30d)" \
    "$(said mfa invite daemon --expires 31d)"
is "a user NSS does not know: a warning, as create" \
    "0 mfa-enroll: warning: user no-such-user-x is not known to this system (NSS)" \
    "$(said mfa invite no-such-user-x)"
mfa invite no-such-user-x --revoke >/dev/null

# Enabling the first device destroys the invitation, in the same write.
inv=$(invite)
out=$(mfa create daemon --qr none </dev/null)
sec=$(sed -n 's/^Secret: //p' <<<"$out" | tr -d ' ')
is "a pending device leaves the invitation valid" PAM_SUCCESS \
    "$(login $((T0 + 10)) strict "$inv")"
AT=$((T0 + 60)) mfa enable daemon default "$(code $((T0 + 30)) "$sec")" \
    "$(code $((T0 + 60)) "$sec")" >/dev/null
is "after enable the invitation is refused" PAM_AUTH_ERR \
    "$(login $((T0 + 120)) strict "$inv")"
check "and gone from the record" bash -c "! grep -aq invitation '$STORE/daemon'"
login $((T0 + 120)) strict "$(code $((T0 + 120)) "$sec")" >/dev/null
is "a user with an active device cannot be invited" \
    "1 mfa-enroll: user daemon already has an active MFA device; an invitation is for a first device" \
    "$(said mfa invite daemon)"
is "report: active, with the last use" \
    "daemon active 1 2026-01-01T00:02:10Z -" "$(mfa report | sed 1d | tr -s ' ')"

# invite --group: a group of our own, removed at the end.
g=awi$$
groupadd "$g" || exit 1
at_exit "userdel ${g}a; userdel ${g}b; userdel ${g}c; groupdel $g"
for u in a b c; do
	useradd -M -N -g users -s /usr/sbin/nologin "$g$u"
done
usermod -g "$g" "${g}c"
gpasswd -a "${g}a" "$g" >/dev/null
gpasswd -a "${g}b" "$g" >/dev/null
gpasswd -a daemon "$g" >/dev/null
mfa invite "${g}b" >/dev/null
mfa invite --group "$g" --csv "$SANDBOX/mail.csv"
is "the CSV is 0600" 600 "$(stat -c %a "$SANDBOX/mail.csv")"
is "members without a device or live invitation, by name" \
    "${g}a ${g}c" "$(cut -d, -f1 "$SANDBOX/mail.csv" | tr '\n' ' ' | sed 's/ $//')"
check "user,code,expiry" grep -Eqx "${g}a,inv(-[a-z2-7]{4}){5},2026-01-04T00:00:10Z" \
    "$SANDBOX/mail.csv"
is "an existing CSV is not overwritten" 1 \
    "$(mfa invite --group "$g" --csv "$SANDBOX/mail.csv" >/dev/null 2>&1; echo $?)"
ln -s "$SANDBOX/target" "$SANDBOX/link.csv"
mfa invite --group "$g" --csv "$SANDBOX/link.csv" >/dev/null 2>&1
check "nor a symlink followed" test ! -e "$SANDBOX/target"
is "report --group: each member's state" \
    "${g}a invited ${g}b invited ${g}c invited daemon active" \
    "$(mfa report --group "$g" | sed 1d | awk '{printf "%s %s ", $1, $2}' | sed 's/ $//')"
check "report --json" grep -q "\"user\": \"${g}a\", \"state\": \"invited\"" \
    <<<"$(mfa report --group "$g" --json)"
is "an unknown group: one line" "1 mfa-enroll: no such group: no-such-group-x" \
    "$(said mfa report --group no-such-group-x)"

done_testing
