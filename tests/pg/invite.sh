#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Invitations on a PostgreSQL store (issue 20): mfa-enroll invite, list,
# report and --revoke as on files; the module logs an invited user in
# (also under nullok) and the attempt is recorded; enabling the first
# device removes it in the same transaction; a login host's role can
# neither read nor make an invitation.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
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
printf '%s\n' "auth required $MODULE conf=$CONF nullok" \
    "auth required /lib/x86_64-linux-gnu/security/pam_permit.so" \
    >"$SANDBOX/pam.d/nullok"
mfa() { "$ENROLL" --conf "$CONF" "$@"; }
auth() { pam_run "" -- "$DRIVER" -s "$1" -u "$2" "$3" 2>&1; }
res() { sed -n 's/^result: //p' <<<"$1" | tail -n 1; }
totp() { oathtool --totp -b "$1" -N "@$(($(date +%s) + $2))"; }
code_of() { sed -n 's/^    \(inv-.*\)$/\1/p'; }

inv=$(mfa invite daemon --expires 3d | code_of)
check "invite prints the code" grep -Eqx 'inv(-[a-z2-7]{4}){5}' <<<"$inv"
is "list shows it" "daemon - - - invited" \
    "$(mfa list daemon | sed 1d | tr -s ' ' | cut -d' ' -f1-5)"
is "report too" "daemon invited 0 -" \
    "$(mfa report | sed 1d | tr -s ' ' | cut -d' ' -f1-4)"
is "only the hash is stored" 0 \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.invitations WHERE hash LIKE '%${inv#inv-}%'")"

out=$(auth nullok daemon "$inv")
is "under nullok the invited user is asked" 1 "$(grep -c '^prompt: ' <<<"$out")"
is "and logs in with the invitation" PAM_SUCCESS "$(res "$out")"
is "told to enrol now" 1 "$(grep -c '^info: .*mfa-enroll create' <<<"$out")"
is "the attempt is recorded with the host's role" \
    "host_a|invite_ok|invitation accepted" \
    "$(sql postgres -c "SELECT host_role, result, reason FROM awsmfa.attempts ORDER BY id DESC LIMIT 1")"
is "a wrong invitation" PAM_AUTH_ERR \
    "$(res "$(auth mfa daemon inv-aaaa-aaaa-aaaa-aaaa-aaaa)")"
is "is counted" 1 "$(sql postgres -c "SELECT failures FROM awsmfa.users WHERE name = 'daemon'")"

new=$(mfa invite daemon | code_of)
is "a new invitation replaces the old" PAM_AUTH_ERR \
    "$(res "$(auth mfa daemon "$inv")")"
is "revoke" "Invitation of daemon revoked." "$(mfa invite daemon --revoke)"
is "a revoked invitation is refused" PAM_AUTH_ERR \
    "$(res "$(auth mfa daemon "$new")")"
is "revoke again: the file store's line" \
    "mfa-enroll: user daemon has no invitation" \
    "$(mfa invite daemon --revoke 2>&1)"

new=$(mfa invite daemon | code_of)
s=$(mfa create daemon --qr none </dev/null | sed -n 's/^Secret: //p' | tr -d ' ')
mfa enable daemon default "$(totp "$s" -30)" "$(totp "$s" 0)" >/dev/null
is "enabling the first device removes the invitation" 0 \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.invitations")"
is "which is then refused" PAM_AUTH_ERR "$(res "$(auth mfa daemon "$new")")"
is "an active device: invite refused with the file store's line" \
    "mfa-enroll: user daemon already has an active MFA device; an invitation is for a first device" \
    "$(mfa invite daemon 2>&1)"

# The host's role: no read, no write, no admin function.
for q in "SELECT * FROM awsmfa.invitations" \
    "SELECT awsmfa.invite_user('bob', '\$pbkdf2-sha256\$1\$x\$y\$z', 3600)" \
    "SELECT awsmfa.revoke_invite('bob')" \
    "SELECT * FROM awsmfa.list_invitations(NULL)" \
    "SELECT awsmfa.try_invite('bob', 'x', 0)"; do
	sql host_a -c "$q" >/dev/null 2>&1
	check "host role refused: ${q:0:40}" test $? -ne 0
done
is "and nothing was made" 0 \
    "$(sql postgres -c "SELECT count(*) FROM awsmfa.invitations")"

done_testing
