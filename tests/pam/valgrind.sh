#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A few authentications under valgrind: no definite or indirect leak and
# no memory error (skipped in sanitizer runs, which check the same).
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

[ -z "$AWSMFA_PRELOAD" ] || skip_all "sanitizer run"
command -v valgrind >/dev/null || skip_all "valgrind missing"

write_conf "max_failures = 100;"
service mfa "auth required $MODULE conf=$CONF"
service fwd "auth required $MODULE conf=$CONF split_pass" \
    "auth required $PAM_GET_ITEMS" "auth required $MODULE conf=$CONF"
read -r rc1 h1 <<<"$("$MKRECORD" recovery)"
enroll alice "recovery=$h1"

# vg DESCRIPTION EXPECTED-RESULTS driver-args...: real time, no faketime.
vg() {
	local what=$1 want=$2 out rc
	shift 2
	out=$(pam_run "" -- valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=42 \
	    --log-file="$SANDBOX/vg.log" "$DRIVER" "$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		ok "$what: valgrind clean"
	else
		not_ok "$what: valgrind clean (exit $rc)"
		sed 's/^/#   /' "$SANDBOX/vg.log" | head -60
	fi
	is "$what: results" "$want" \
	    "$(echo "$out" | sed -n 's/^result: //p' | paste -sd ' ')"
}

vg "right code, then reused" "PAM_SUCCESS PAM_AUTH_ERR" -n 2 "$(oathtool --totp -b "$SECRET")"
vg "malformed and wrong" "PAM_AUTH_ERR PAM_AUTH_ERR" -n 2 "12ab"
vg "recovery code" "PAM_SUCCESS" "$rc1"
vg "no answer" "PAM_AUTH_ERR" "@eof"
vg "split_pass" "PAM_SUCCESS" -s fwd "pw$(oathtool --totp -b "$SECRET" -N '+30 seconds')"
vg "unknown user" "PAM_AUTH_ERR" -u nobody-here 123456
chmod 0777 "$STORE"
vg "unsafe store" "PAM_AUTHINFO_UNAVAIL" "123456"

done_testing
