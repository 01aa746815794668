#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# mfa-enroll unlock on the file store: a locked-out user logs in again at
# once, with a fresh set of tries; the rest of the record is untouched;
# the change is audited; a user without a record, a bad name and the
# PostgreSQL-only verbs get one line each and change nothing.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"
syslog_setup

write_conf "max_failures = 3;" "lockout_seconds = 600;"
service mfa "auth required $MODULE conf=$CONF"
enroll alice
enroll bob
mfa() { pam_run "$(ft "$T0")" -- "$ENROLL" --conf "$CONF" "$@"; }
login() { result "$(auth "$1" -s mfa -u "$2" "$3")"; }
# said CMD...: "STATUS STDERR" of a command whose output is not wanted.
said() {
	local e
	e=$("$@" 2>&1 >/dev/null)
	printf '%s %s' "$?" "$e"
}

for _ in 1 2 3; do login $T0 alice 000000 >/dev/null; done
is "three wrong codes lock alice out" PAM_MAXTRIES \
    "$(login $((T0 + 30)) alice "$(code $((T0 + 30)))")"
before=$(show alice)
is "unlock says what it ended" \
    "User alice is unlocked (was locked out until 2026-01-01T00:10:10Z after 3 failed logins)." \
    "$(mfa unlock alice)"
after=$(show alice)
is "only the failure count and the lock changed" \
    "$(sed '/^failures=/d; /^locked_until=/d' <<<"$before")" \
    "$(sed '/^failures=/d; /^locked_until=/d' <<<"$after")"
is "both cleared" "failures=0 locked_until=0" \
    "$(grep -E '^(failures|locked_until)=' <<<"$after" | tr '\n' ' ' | sed 's/ $//')"
is "alice logs in at once" PAM_SUCCESS \
    "$(login $((T0 + 60)) alice "$(code $((T0 + 60)))")"
for _ in 1 2; do login $((T0 + 60)) alice 000000 >/dev/null; done
is "with a fresh set of tries: two misses do not lock her" PAM_SUCCESS \
    "$(login $((T0 + 90)) alice "$(code $((T0 + 90)))")"

login $T0 bob 000000 >/dev/null
is "a user not locked out: the failures are forgotten" \
    "User bob was not locked out; 1 failed login forgotten." "$(mfa unlock bob)"

find "$STORE" | sort >"$SANDBOX/files.before"
is "a user without a record: one line, exit 1" \
    "1 mfa-enroll: user carol has no MFA record" "$(said mfa unlock carol)"
is "and no file is made for her" "" \
    "$(find "$STORE" | sort | diff - "$SANDBOX/files.before")"
is "an invalid name: a usage error" "2 mfa-enroll: unlock: invalid user name" \
    "$(said mfa unlock ../etc)"
is "no argument: a usage error" \
    "2 mfa-enroll: unlock: expected USER or --host ROLE (see 'unlock --help')" \
    "$(said mfa unlock)"
is "unlock --host on files: one line" \
    "1 mfa-enroll: login hosts have a failure budget on the PostgreSQL store only (store = \"postgresql\")" \
    "$(said mfa unlock --host web1)"
is "hosts on files: the same line" \
    "1 mfa-enroll: login hosts have a failure budget on the PostgreSQL store only (store = \"postgresql\")" \
    "$(said mfa hosts)"
is "unlock by another user than root: refused" "1 mfa-enroll: must be run as root" \
    "$(said setpriv --reuid 65534 --regid 65534 --clear-groups "$ENROLL" \
    --conf "$CONF" unlock alice)"

if [ -n "$SYSLOG" ]; then
	syslog_sync
	check "the unlock is audited with the admin" grep -q \
	    'mfa-enroll.*event=unlock result=success user="alice" admin=' "$SYSLOG"
	check "so is the refusal" grep -q \
	    'event=unlock result=failure reason="user carol has no MFA record" user="carol"' \
	    "$SYSLOG"
else
	ok "# SKIP no private /dev/log"
	ok "# SKIP no private /dev/log"
fi
done_testing
