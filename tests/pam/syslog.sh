#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# One audit line per attempt through the real syslog(3) path, to a private
# /dev/log: facility authpriv, the fields, escaping, and never the code.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"
syslog_setup
[ -n "$SYSLOG" ] || skip_all "no private mount namespace for /dev/log"

write_conf "max_failures = 2;"
service mfa "auth required $MODULE conf=$CONF"
service nullok "auth required $MODULE conf=$CONF nullok"
enroll alice

# line DRIVER-ARGS...: the one module line logged by one attempt.
line() {
	local lines
	syslog_mark
	auth $T0 "$@" >/dev/null
	lines=$(syslog_new | grep ' event=')
	if [ "$(echo "$lines" | grep -c .)" != 1 ]; then
		echo "# expected one line, got:" >&2
		echo "$lines" | sed 's/^/#   /' >&2
	fi
	echo "$lines"
}

fields() {
	sed 's/^.*pam_awsmfa([a-z]*:auth): //'
}

good=$(code $T0)
l=$(line -r 192.0.2.7 -t pts/3 "$good")
is "success line" \
    'event=login result=success reason="code accepted" user="alice" device="phone" service="mfa" rhost="192.0.2.7" tty="pts/3"' \
    "$(echo "$l" | fields)"
check "logged as authpriv.info" grep -q '^<86>' <<<"$l"

wrong=$(code $((T0 + 3000)))
l=$(line -r 192.0.2.7 -t pts/3 "$wrong")
is "failure line" \
    'event=login result=failure reason="wrong code" user="alice" service="mfa" rhost="192.0.2.7" tty="pts/3"' \
    "$(echo "$l" | fields)"
check "logged as authpriv.notice" grep -q '^<85>' <<<"$l"

l=$(line "$good")
is "reuse line" 'event=login result=failure reason="code already used" user="alice" service="mfa"' \
    "$(echo "$l" | fields)"
l=$(line "abc")
is "locked line" 'event=login result=locked reason="locked out" user="alice" service="mfa"' \
    "$(echo "$l" | fields)"
enroll alice
l=$(line "abc")
is "not a code" 'event=login result=failure reason="not a code" user="alice" service="mfa"' \
    "$(echo "$l" | fields)"
l=$(line "@eof")
is "no answer" 'event=login result=failure reason="no answer" user="alice" service="mfa"' \
    "$(echo "$l" | fields)"

l=$(line -u nobody-here 123456)
is "no device" 'event=login result=failure reason="no active device" user="nobody-here" service="mfa"' \
    "$(echo "$l" | fields)"
l=$(line -s nullok -u nobody-here)
is "no device under nullok" 'event=login result=ignored reason="no active device" user="nobody-here" service="nullok"' \
    "$(echo "$l" | fields)"

# Log injection: a user name and rhost from outside cannot forge fields
# or start a new line.
l=$(line -u "$(printf 'eve" result=success\nx')" -r "$(printf 'h\033[31m')" 123456)
is "quotes and control characters escaped" \
    'event=login result=failure reason="no active device" user="eve\" result=success\x0ax" service="mfa" rhost="h\x1b[31m"' \
    "$(echo "$l" | fields)"

# Never a code: not the good one, not the wrong ones, not a recovery code.
read -r rc1 h1 <<<"$("$MKRECORD" recovery)"
enroll alice "recovery=$h1"
line "$rc1" >/dev/null
line "$(code $((T0 + 30)))" >/dev/null
syslog_sync
for secretish in "$good" "$wrong" "$(code $((T0 + 30)))" "$rc1" \
    "$(echo "$rc1" | tr -d -)" "$SECRET"; do
	check "log does not contain ${secretish:0:2}..." \
	    bash -c '! grep -qF -- "$1" "$2"' _ "$secretish" "$SYSLOG"
done

# With debug, the module names its version: which build answered.
service debug "auth required $MODULE conf=$CONF debug"
syslog_mark
auth $T0 -s debug "$(code $((T0 + 60)))" >/dev/null
is "debug logs the module's version" 1 \
    "$(syslog_new | grep -c 'pam_awsmfa(debug:auth): pam_awsmfa [0-9][0-9.]*$')"

done_testing
