#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What reaches the disk before pam_authenticate returns, seen with strace:
# an accepted code is written in place into the record's spare slot and
# fdatasync'd before PAM_SUCCESS; so is a refusal's failure count; a burnt
# recovery code replaces the whole file (rename, then fsync of the store);
# with lockout off a refusal writes nothing.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

command -v strace >/dev/null || skip_all "strace missing"
# The sanitizer runtimes do not survive being preloaded into strace.
[ -z "$AWSMFA_PRELOAD" ] || skip_all "not under the sanitizers"

write_conf
service mfa "auth required $MODULE conf=$CONF"
S0=$(step $T0)
TRACE="$SANDBOX/trace"

# traced TIME ANSWER: one login under strace; the trace in $TRACE.
traced() {
	pam_run "$(ft "$1")" -- strace -f -o "$TRACE" \
	    -e trace=openat,pwrite64,fdatasync,fsync,rename,renameat,renameat2 \
	    "$DRIVER" "$2" 2>&1
}

# fd_of NAME: the descriptor the module's O_RDWR open of the record got.
fd_of() {
	sed -n "s/.*openat([0-9A-Z_]*, \"$1\", O_RDWR.*) = \([0-9]*\)$/\1/p" \
	    "$TRACE" | head -n 1
}

# first PATTERN, last PATTERN: the line number of the first or last match
# in $TRACE, or 0.
first() {
	grep -n -m 1 -E "$1" "$TRACE" | cut -d: -f1 | grep . || echo 0
}
last() {
	grep -n -E "$1" "$TRACE" | tail -n 1 | cut -d: -f1 | grep . || echo 0
}

enroll alice
out=$(traced $T0 "$(code $T0)")
is "accepted under strace" PAM_SUCCESS "$(result "$out")"
fd=$(fd_of alice)
check "the record is opened read-write" test -n "$fd"
w=$(first "pwrite64\\($fd, \"awsmfa-slot 1 ")
s=$(first "fdatasync\\($fd\\) += 0")
check "the new state is written in place into a slot" test "$w" -gt 0
check "and fdatasync'd after the write" test "$s" -gt "$w"
check "no rename and no fsync: one flush" \
    sh -c "! grep -Eq '(rename|fsync\\()' '$TRACE'"
is "the accepted step is what was saved" "phone.last_step=$S0" \
    "$(show alice | grep last_step)"

# A refusal with lockout on: its failure count is as durable.
out=$(traced $T0 000000)
is "refused under strace" PAM_AUTH_ERR "$(result "$out")"
fd=$(fd_of alice)
w=$(first "pwrite64\\($fd, \"awsmfa-slot 1 ")
s=$(first "fdatasync\\($fd\\) += 0")
check "a refusal writes its failure count in place" test "$w" -gt 0
check "and fdatasyncs it" test "$s" -gt "$w"
is "the failure is counted" failures=1 "$(show alice | grep failures)"

# Lockout off: nothing about a refusal needs saving.
write_conf "lockout_seconds = 0;"
enroll alice
out=$(traced $T0 000000)
is "refused with lockout off" PAM_AUTH_ERR "$(result "$out")"
check "with lockout off a refusal writes nothing" \
    sh -c "! grep -Eq '(pwrite64|fdatasync|fsync|rename)' '$TRACE'"
write_conf

# A recovery code: the whole file is replaced, so the burnt hash leaves
# no copy behind in the other slot.
read -r rc h <<<"$("$MKRECORD" recovery)"
enroll alice "recovery=$h"
out=$(traced $T0 "$rc")
is "recovery code accepted under strace" PAM_SUCCESS "$(result "$out")"
r=$(first "rename(at2?)?\\(.*\"alice\"")
s=$(last "fsync\\([0-9]+\\) += 0")
check "a burnt recovery code replaces the file" test "$r" -gt 0
check "and fsyncs the store after the rename" test "$s" -gt "$r"
check "the hash is gone from the file" \
    sh -c "! grep -aqF '$h' '$STORE/alice'"

done_testing
