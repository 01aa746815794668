#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Attack: with a case-insensitive NSS backend (sssd, winbind, LDAP) "ALICE"
# logs into alice's account, and sshd hands PAM the name as the client
# typed it.  The record is alice's, so the module must look the user up
# under the account's own name, or "ALICE" has no device and nullok lets
# the password alone through.
# A private mount namespace, for a private /etc/group (require_groups).
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

FOLD="$AWSMFA_BUILDDIR/tests/attack/.libs/nss_fold.so"
[ -r "$FOLD" ] || skip_all "nss_fold shim not built"

# daemon exists on every Debian system; NSS_FOLD_USER makes any case of it
# resolve to daemon, as a case-insensitive backend would.
export NSS_FOLD_USER=daemon
SANITIZERS=$AWSMFA_PRELOAD
AWSMFA_PRELOAD="$AWSMFA_PRELOAD $FOLD"
service nullok "auth required $MODULE conf=$CONF nullok" \
    "auth required $PAM_PERMIT"
service fwd "auth required $MODULE conf=$CONF split_pass" \
    "auth required $PAM_PERMIT" "auth required $MODULE conf=$CONF nullok"
write_conf
enroll daemon

# In the sanitizer run the shim is built with them too: runtimes first.
check "the shim folds case" env LD_PRELOAD="$SANITIZERS $FOLD" \
    ASAN_OPTIONS=detect_leaks=0 /usr/bin/python3 -c \
    'import pwd, sys; sys.exit(pwd.getpwnam("DAEMON").pw_name != "daemon")'

prompts() { echo "$1" | grep -c '^prompt: '; }

for u in DAEMON Daemon dAeMoN; do
	out=$(auth $T0 -s nullok -u "$u")
	is "$u under nullok: not ignored, the device is asked for" \
	    PAM_AUTH_ERR "$(result "$out")"
	is "$u under nullok: prompted" 1 "$(prompts "$out")"
done
out=$(auth $T0 -s nullok -u DAEMON "$(code $T0)")
is "DAEMON: daemon's code accepted" PAM_SUCCESS "$(result "$out")"
out=$(auth $T0 -s nullok -u daemon "$(code $T0)")
is "daemon: the same code, spelt the canonical way, refused" PAM_AUTH_ERR \
    "$(result "$out")"
check "no record was made for the other spelling" test ! -e "$STORE/DAEMON"
out=$(auth $T0 -s fwd -u Daemon "pw")
is "split_pass, Daemon without a code: refused" PAM_AUTH_ERR \
    "$(result "$out")"

# A user enrolled under the spelling as typed (where NSS has another) is
# asked for that record's device as before.
rm -f "$STORE/daemon"
"$MKRECORD" write "$STORE" DAEMON dev=phone "secret=$SECRET"
out=$(auth $T0 -s nullok -u DAEMON)
is "record only under the typed name: still asked" PAM_AUTH_ERR \
    "$(result "$out")"
out=$(auth $T0 -s nullok -u DAEMON "$(code $T0)")
is "record only under the typed name: its code accepted" PAM_SUCCESS \
    "$(result "$out")"
# Records under both spellings: the one typed is used, which asks for a
# device just the same; an enrolled user's login does without NSS.
enroll daemon
out=$(auth $T0 -s nullok -u DAEMON)
is "records under both spellings: still asked" PAM_AUTH_ERR \
    "$(result "$out")"
rm -f "$STORE/DAEMON" "$STORE/daemon"

# A name NSS does not know is used as given (and is prompted as usual).
out=$(auth $T0 -s nullok -u no-such-user-y)
is "unknown user under nullok: still ignored" PAM_SUCCESS "$(result "$out")"

# require_groups when no record exists under either spelling: the groups
# are the account's, which NSS lists under the canonical name only, so
# "DAEMON" must not escape a group that lists "daemon" (private /etc/group
# in this test's own mount namespace).
if [ "${AWSMFA_PRIVATE_NS:-}" = 1 ]; then
	private_etc || echo "Bail out! cannot make a private /etc"
	echo "mfa-must:x:4242:daemon" >>"$SANDBOX/etc/group"
	write_conf 'require_groups = [ "mfa-must" ];'
	check "daemon is in mfa-must" bash -c \
	    'id -nG daemon | grep -qw mfa-must'
	for u in daemon DAEMON Daemon; do
		out=$(auth $T0 -s nullok -u "$u" "$(code $T0)")
		is "$u, no record, in a required group: refused under nullok" \
		    PAM_AUTH_ERR "$(result "$out")"
	done
	out=$(auth $T0 -s nullok -u BIN)
	is "BIN, in no required group: still ignored under nullok" \
	    PAM_SUCCESS "$(result "$out")"
	umount /etc
	write_conf
else
	ok "# SKIP require_groups: no private mount namespace"
fi

done_testing
