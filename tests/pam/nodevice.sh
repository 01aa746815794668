#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Users without an active device: PAM_AUTH_ERR, PAM_IGNORE under nullok,
# except members of require_groups; unknown users are prompted like anyone.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

# pam_permit after the module: PAM_IGNORE lets the stack succeed.
service strict "auth required $MODULE conf=$CONF" \
    "auth required $PAM_PERMIT"
service nullok "auth required $MODULE conf=$CONF nullok" \
    "auth required $PAM_PERMIT"
write_conf
mkdir -p "$STORE"
chmod 0700 "$STORE"

prompts() { echo "$1" | grep -c '^prompt: MFA code: '; }

out=$(auth $T0 -s strict -u daemon 123456)
is "no record, no nullok: PAM_AUTH_ERR" PAM_AUTH_ERR "$(result "$out")"
is "no record, no nullok: still prompted" 1 "$(prompts "$out")"
out=$(auth $T0 -s strict -u no-such-user-x 123456)
is "unknown user: PAM_AUTH_ERR" PAM_AUTH_ERR "$(result "$out")"
is "unknown user: prompted the same way" 1 "$(prompts "$out")"
out=$(auth $T0 -s nullok -u daemon)
is "no record, nullok: the module is ignored" PAM_SUCCESS "$(result "$out")"
is "no record, nullok: no prompt" 0 "$(prompts "$out")"
out=$(auth $T0 -s nullok -u no-such-user-x)
is "unknown user, nullok: ignored" PAM_SUCCESS "$(result "$out")"

"$MKRECORD" write "$STORE" daemon dev=phone "secret=$SECRET" status=pending
out=$(auth $T0 -s nullok -u daemon)
is "pending device only, nullok: ignored" PAM_SUCCESS "$(result "$out")"
out=$(auth $T0 -s strict -u daemon "$(code $T0)")
is "pending device only: its code is not accepted" PAM_AUTH_ERR \
    "$(result "$out")"
"$MKRECORD" write "$STORE" daemon dev=phone "secret=$SECRET"
out=$(auth $T0 -s nullok -u daemon "$(code $((T0 + 300)))")
is "active device, nullok: a wrong code still fails" PAM_AUTH_ERR \
    "$(result "$out")"
out=$(auth $T0 -s nullok -u daemon "$(code $T0)")
is "active device, nullok: the right code passes" PAM_SUCCESS \
    "$(result "$out")"

# require_groups: root is in group root; daemon is not.
write_conf 'require_groups = [ "root" ];'
out=$(auth $T0 -s nullok -u root 123456)
is "required group member without a device: PAM_AUTH_ERR despite nullok" \
    PAM_AUTH_ERR "$(result "$out")"
is "required group member: prompted" 1 "$(prompts "$out")"
rm -f "$STORE/daemon"
out=$(auth $T0 -s nullok -u daemon)
is "non-member without a device under nullok: ignored" PAM_SUCCESS \
    "$(result "$out")"
gid=$(id -gn bin)
write_conf "require_groups = [ \"$gid\" ];"
out=$(auth $T0 -s nullok -u bin 123456)
is "primary group counts too ($gid)" PAM_AUTH_ERR "$(result "$out")"

done_testing
