#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Attack: sshd hands PAM whatever user name the client sent, and the stack
# runs this module even when pam_unix already failed.  A client cycling
# through made-up names must not leave one file per name in the root-owned
# store (inodes, disk and every readdir of the store are shared with real
# users), so a user without a record gets no lock file.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

service strict "auth required $MODULE conf=$CONF"
write_conf
mkdir -p "$STORE"
chmod 0700 "$STORE"

nfiles() { find "$STORE" -mindepth 1 | wc -l; }

for u in ghost1 ghost2 "$(printf 'g\xc3\xa9') x" -dash 'pct%s%n'; do
	out=$(auth $T0 -s strict -u "$u" 123456)
	is "unknown user '$u': PAM_AUTH_ERR" PAM_AUTH_ERR "$(result "$out")"
done
is "no file left in the store for unknown users" 0 "$(nfiles)"

# Enrolled users still lock, and still cannot win twice with one code.
enroll alice
good=$(code $T0)
out=$(auth $T0 -s strict -u alice "$good")
is "enrolled user: accepted" PAM_SUCCESS "$(result "$out")"
out=$(auth $T0 -s strict -u alice "$good")
is "enrolled user: the same code again refused" PAM_AUTH_ERR \
    "$(result "$out")"
check "enrolled user: a lock file is used" test -f "$STORE/.lock.alice"

# A record that appears as a symlink is still reported, not skipped as
# "no record".
ln -s /etc/passwd "$STORE/mallory"
out=$(auth $T0 -s strict -u mallory 123456)
is "symlinked record: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$(result "$out")"
rm -f "$STORE/mallory"

done_testing
