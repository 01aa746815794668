#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Fail closed: whenever the config or the store cannot be trusted the
# module returns PAM_AUTHINFO_UNAVAIL, even for a right code, and logs one
# line naming the file and the reason.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"
syslog_setup

service mfa "auth required $MODULE conf=$CONF"

# expect_unavail DESCRIPTION TEXT-IN-LOG: a right code is refused with
# PAM_AUTHINFO_UNAVAIL and the module logs an error naming TEXT.
expect_unavail() {
	local out lines
	syslog_mark
	out=$(auth $T0 "$(code $T0)")
	is "$1: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL "$(result "$out")"
	if [ -z "$SYSLOG" ]; then
		ok "# SKIP no private /dev/log"
		return
	fi
	lines=$(syslog_new)
	if [ "$(echo "$lines" | grep -c 'result=error')" = 1 ] &&
	    echo "$lines" | grep -qF -- "$2"; then
		ok "$1: one error line naming $2"
	else
		not_ok "$1: one error line naming $2"
		echo "$lines" | sed 's/^/#   /'
	fi
}

fresh() {
	rm -rf "$STORE"
	write_conf
	enroll alice
}

fresh
out=$(auth $T0 "$(code $T0)")
is "baseline: the right code is accepted" PAM_SUCCESS "$(result "$out")"

fresh
rm -rf "$STORE"
expect_unavail "missing store" "$STORE"

fresh
chmod 0777 "$STORE"
expect_unavail "world-writable store directory" "$STORE"

fresh
chmod 0750 "$STORE"
expect_unavail "group-readable store directory" "$STORE"

fresh
chown 1:1 "$STORE"
expect_unavail "store directory owned by another user" "$STORE"

fresh
chown 1:1 "$STORE/alice"
expect_unavail "record owned by another user" "$STORE/alice"

fresh
chmod 0644 "$STORE/alice"
expect_unavail "record readable by others" "$STORE/alice"

fresh
"$MKRECORD" write "$STORE" bob dev=phone "secret=$SECRET"
rm "$STORE/alice"
ln -s bob "$STORE/alice"
expect_unavail "symlinked record" "$STORE/alice"

fresh
"$MKRECORD" write "$STORE" bob dev=phone "secret=$SECRET"
rm "$STORE/alice"
ln "$STORE/bob" "$STORE/alice"
expect_unavail "hard-linked record" "$STORE/alice"

fresh
echo "garbage" >>"$STORE/alice"
expect_unavail "record with trailing garbage" "$STORE/alice"

fresh
head -c 40 "$STORE/alice" >"$STORE/alice.t" && mv "$STORE/alice.t" "$STORE/alice"
chmod 0600 "$STORE/alice"
expect_unavail "truncated record" "$STORE/alice"

fresh
printf '\0\0\0' >"$STORE/alice"
expect_unavail "binary record" "$STORE/alice"

fresh
write_conf "window = ;"
expect_unavail "config syntax error" "$CONF"

fresh
write_conf "no_such_key = 1;"
expect_unavail "config with an unknown key" "$CONF"

fresh
write_conf 'window = "one";'
expect_unavail "config with a wrong type" "$CONF"

fresh
rm -f "$CONF"
expect_unavail "missing config" "$CONF"

fresh
chmod 0666 "$CONF"
expect_unavail "world-writable config" "$CONF"

fresh
chown 1 "$CONF"
expect_unavail "config owned by another user" "$CONF"

fresh
ln -s "$CONF" "$SANDBOX/link.conf"
service link "auth required $MODULE conf=$SANDBOX/link.conf"
out=$(auth $T0 -s link "$(code $T0)")
is "symlinked config: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$(result "$out")"

# A typo in pam.d must not weaken the module.
fresh
service typo "auth required $MODULE conf=$CONF nulok"
out=$(auth $T0 -s typo "$(code $T0)")
is "unknown argument: PAM_SERVICE_ERR" PAM_SERVICE_ERR "$(result "$out")"
service rel "auth required $MODULE conf=awsmfa.conf"
out=$(auth $T0 -s rel "$(code $T0)")
is "relative conf=: PAM_SERVICE_ERR" PAM_SERVICE_ERR "$(result "$out")"
service both "auth required $MODULE conf=$CONF split_pass use_first_pass"
out=$(auth $T0 -s both "$(code $T0)")
is "split_pass with use_first_pass: PAM_SERVICE_ERR" PAM_SERVICE_ERR \
    "$(result "$out")"
# A stack still written for forward_pass (code judged before the password
# module) must not run as a split_pass stack without its second line.
service oldfwd "auth required $MODULE conf=$CONF forward_pass" \
    "auth required $PAM_PERMIT"
out=$(auth $T0 -s oldfwd "pw$(code $T0)")
is "forward_pass is refused: PAM_SERVICE_ERR" PAM_SERVICE_ERR \
    "$(result "$out")"
if [ -n "$SYSLOG" ]; then
	syslog_sync
	check "unknown argument logged" grep -q 'unknown argument: nulok' \
	    "$SYSLOG"
	check "forward_pass refusal logged with the way out" \
	    grep -q 'forward_pass is gone: use split_pass' "$SYSLOG"
fi

done_testing
