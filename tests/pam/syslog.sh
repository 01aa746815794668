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
    'event=login result=failure reason="wrong code" user="alice" device="" service="mfa" rhost="192.0.2.7" tty="pts/3"' \
    "$(echo "$l" | fields)"
check "logged as authpriv.notice" grep -q '^<85>' <<<"$l"

l=$(line "$good")
is "reuse line" 'event=login result=failure reason="code already used" user="alice" device="" service="mfa" rhost="" tty=""' \
    "$(echo "$l" | fields)"
l=$(line "abc")
is "locked line" 'event=login result=locked reason="locked out" user="alice" device="" service="mfa" rhost="" tty=""' \
    "$(echo "$l" | fields)"
enroll alice
l=$(line "abc")
is "not a code" 'event=login result=failure reason="not a code" user="alice" device="" service="mfa" rhost="" tty=""' \
    "$(echo "$l" | fields)"
l=$(line "@eof")
is "no answer" 'event=login result=failure reason="no answer" user="alice" device="" service="mfa" rhost="" tty=""' \
    "$(echo "$l" | fields)"

l=$(line -u nobody-here 123456)
is "no device" 'event=login result=failure reason="no active device" user="nobody-here" device="" service="mfa" rhost="" tty=""' \
    "$(echo "$l" | fields)"
l=$(line -s nullok -u nobody-here)
is "no device under nullok" 'event=login result=ignored reason="no active device" user="nobody-here" device="" service="nullok" rhost="" tty=""' \
    "$(echo "$l" | fields)"

# Log injection: a user name and rhost from outside cannot forge fields
# or start a new line.
l=$(line -u "$(printf 'eve" result=success\nx')" -r "$(printf 'h\033[31m')" 123456)
is "quotes and control characters escaped" \
    'event=login result=failure reason="no active device" user="eve\" result=success\x0ax" device="" service="mfa" rhost="h\x1b[31m" tty=""' \
    "$(echo "$l" | fields)"

# A 10 kB hostile user name and rhost (non-ASCII, quotes, newlines, %
# formats): each value is capped with a marker, every field is still on
# the line and every quote is closed.
hostile=$(python3 -c 'import sys; sys.stdout.write(("\u00e9\"%s%n\n" * 1700)[:10000])')
l=$(line -u "$hostile" -r "$hostile" -t "pts/9" 123456)
f=$(echo "$l" | fields)
check "hostile: one line" test "$(echo "$l" | grep -c .)" = 1
for k in event result reason user device service rhost tty; do
	check "hostile: $k= present" grep -q " \?$k=" <<<"$f"
done
is "hostile: the fields after user are intact" \
    'service="mfa" rhost=' "$(grep -o 'service="mfa" rhost=' <<<"$f")"
is "hostile: tty at the end" 'tty="pts/9"' "$(grep -o 'tty="[^"]*"$' <<<"$f")"
check "hostile: user capped with a marker" \
    grep -qE 'user="([^"\\]|\\.)*\.\.\.\[\+[0-9]+\]" device=' <<<"$f"
check "hostile: rhost capped with a marker" \
    grep -qE 'rhost="([^"\\]|\\.)*\.\.\.\[\+[0-9]+\]" tty=' <<<"$f"
check "hostile: no % format expanded, no raw newline or quote left open" \
    python3 -c '
import re, sys
f = sys.argv[1]
m = re.fullmatch(r"event=login result=failure reason=\"[^\"]*\"( [a-z]+=\"([^\"\\]|\\.)*\")+", f)
sys.exit(0 if m and len(f) < 1500 else 1)' "$f"

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
