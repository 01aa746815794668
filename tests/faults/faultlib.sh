# SPDX-License-Identifier: BSD-2-Clause
# Shared by tests/faults/*.sh: the PAM test kit (pamlib.sh) plus
# mfa-enroll, a record of every accepted code, and the checks that the
# store came through a fault undamaged.  The caller has re-executed itself
# in a private mount namespace (AWSMFA_PRIVATE_NS=1); whatever it mounts
# vanishes with that namespace, and is unmounted on exit anyway.
# shellcheck shell=bash

. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (mounts)"
[ "${AWSMFA_PRIVATE_NS:-}" = 1 ] || skip_all "unshare -m is not available"
[ -x "$ENROLL" ] || skip_all "mfa-enroll not built"
# Nothing the module logs under load reaches the machine's syslog.
[ -S /dev/log ] && mount --bind /dev/null /dev/log 2>/dev/null

ACCEPTED="$SANDBOX/accepted"
: >"$ACCEPTED"

mfa() { "$ENROLL" --conf "$CONF" "$@"; }

# mfa_at TIME ARGS...: mfa-enroll with the clock at TIME.
mfa_at() {
	local t=$1
	shift
	pam_run "$(ft "$t")" -- "$ENROLL" --conf "$CONF" "$@"
}

# login TIME USER ANSWER: one login; prints the result (PAM_...), and
# notes an accepted answer so that a second acceptance shows.
login() {
	local r
	r=$(result "$(auth "$1" -u "$2" "$3")")
	[ "$r" = PAM_SUCCESS ] && echo "$2 $3" >>"$ACCEPTED"
	echo "$r"
}

# saved_or_closed DESC RESULT USER TIME: a login under a fault either
# succeeded with its step on disk, or failed closed.
saved_or_closed() {
	case $2 in
	PAM_SUCCESS)
		if show "$3" | grep -qx "phone.last_step=$(step "$4")"; then
			ok "$1: accepted, and the step is on disk"
		else
			not_ok "$1: accepted without the step on disk"
			show "$3" | sed 's/^/#   /'
		fi ;;
	PAM_AUTHINFO_UNAVAIL|PAM_AUTH_ERR)
		ok "$1: failed closed ($2)" ;;
	*)
		not_ok "$1: unexpected $2" ;;
	esac
}

# no_double_accept: no (user, code) was accepted twice.
no_double_accept() {
	is "no code accepted twice" "" "$(sort "$ACCEPTED" | uniq -d)"
}

# one_line_error DESC TEXT VERB-ARGS...: mfa-enroll fails (exit 1) with one
# line on stderr that names TEXT.
one_line_error() {
	local desc=$1 text=$2 rc=0
	shift 2
	mfa "$@" >"$SANDBOX/out" 2>"$SANDBOX/err" </dev/null || rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$SANDBOX/err")" = 1 ] &&
	    grep -qF -- "$text" "$SANDBOX/err"; then
		ok "$desc: one line naming \"$text\""
	else
		not_ok "$desc: exit $rc, expected 1 and one line naming $text"
		sed 's/^/#   /' "$SANDBOX/err"
	fi
}

# store_sound: every record loads, list --json parses, check is clean,
# and no temporary file was left behind.
store_sound() {
	local u bad=
	while read -r u; do
		show "$u" >/dev/null 2>&1 || bad="$bad $u"
	done < <(find "$STORE" -maxdepth 1 -type f ! -name '.*' -printf '%f\n')
	is "$1: every record loads" "" "$bad"
	check "$1: list --json parses" \
	    sh -c "'$ENROLL' --conf '$CONF' list --json | python3 -m json.tool >/dev/null"
	check "$1: check is clean" sh -c "'$ENROLL' --conf '$CONF' check >'$SANDBOX/check.out' 2>&1"
	[ -s "$SANDBOX/check.out" ] && [ "$_tap_failed" -gt 0 ] &&
	    sed 's/^/#   /' "$SANDBOX/check.out"
	is "$1: no temporary file left" "" \
	    "$(find "$STORE" -name '.tmp.*' -printf '%f ')"
}
