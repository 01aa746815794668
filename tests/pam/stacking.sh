#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# forward_pass, try_first_pass and use_first_pass in real stacks, with
# pam_matrix (password module of libpam-wrapper) and pam_set_items (puts
# PAM_AUTHTOK from the environment, as an earlier module would).
# A private mount namespace, for a private /etc/shadow (see below).
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

[ -r "$PAM_MATRIX" ] || skip_all "pam_matrix missing"
write_conf "max_failures = 100;"
printf 'alice:s3cret:try\n' >"$SANDBOX/passdb"
service try "auth required $PAM_MATRIX passdb=$SANDBOX/passdb" \
    "auth required $MODULE conf=$CONF try_first_pass"
service tryitem "auth required $PAM_SET_ITEMS" \
    "auth required $MODULE conf=$CONF try_first_pass"
service useitem "auth required $PAM_SET_ITEMS" \
    "auth required $MODULE conf=$CONF use_first_pass"

# forward_pass: one prompt, the code split off the end, the password handed
# on as PAM_AUTHTOK (pam_get_items exports it for the driver to print).
service fwd "auth required $MODULE conf=$CONF forward_pass" \
    "auth required $PAM_GET_ITEMS"
enroll alice
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "s3cret$(code $T0)")
is "forward_pass: password+code accepted" PAM_SUCCESS "$(result "$out")"
is "forward_pass: the password is handed on" "env: PAM_AUTHTOK=s3cret" \
    "$(echo "$out" | grep '^env:')"
is "forward_pass: one prompt" "prompt: Password and MFA code: " \
    "$(echo "$out" | grep '^prompt')"
enroll alice
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "s3cret$(code $((T0 + 300)))")
is "forward_pass: wrong code refused" PAM_AUTH_ERR "$(result "$out")"
is "forward_pass: password handed on all the same" \
    "env: PAM_AUTHTOK=s3cret" "$(echo "$out" | grep '^env:')"
"$MKRECORD" write "$STORE" alice dev=key "secret=$SECRET" digits=8
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$(code $T0 "$SECRET" --totp --digits=8)")
is "forward_pass: an 8-digit device splits off 8 digits" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=pw" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"
# Devices with 6- and 8-digit codes: each length is tried, as one attempt.
S2=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
mixed() {
	"$MKRECORD" write "$STORE" alice dev=phone "secret=$SECRET" \
	    dev=key "secret=$S2" digits=8
}
mixed
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$(code $T0 "$S2" --totp --digits=8)")
is "forward_pass, 6 and 8 digits: the 8-digit code accepted" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=pw" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"
mixed
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$(code $T0)")
is "forward_pass, 6 and 8 digits: the 6-digit code accepted" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=pw" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"
mixed
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw12345678")
is "forward_pass, 6 and 8 digits: a wrong code is one failure, not two" \
    "PAM_AUTH_ERR|failures=1" \
    "$(result "$out")|$(show alice | grep failures)"
is "forward_pass, 6 and 8 digits: the shorter split is handed on" \
    "env: PAM_AUTHTOK=pw12" "$(echo "$out" | grep '^env:')"
read -r rc1 h1 <<<"$("$MKRECORD" recovery)"
enroll alice "recovery=$h1"
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "s3cret$rc1")
is "forward_pass: password+recovery code accepted" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=s3cret" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"

# The production stack: pam_awsmfa forward_pass before pam_unix
# use_first_pass, against a private /etc/shadow giving root a known
# password (bind mount in this test's own mount namespace).
# (Not in sanitizer runs: pam_unix's hashing crashes with the sanitizer
# runtimes preloaded into it; forward_pass is covered above all the same.)
if [ "${AWSMFA_PRIVATE_NS:-}" = 1 ] && [ -r "$PAM_UNIX" ] &&
    [ -z "$AWSMFA_PRELOAD" ]; then
	hash=$(openssl passwd -6 s3cret)
	awk -F: -v OFS=: -v h="$hash" '$1 == "root" { $2 = h } { print }' \
	    /etc/shadow >"$SANDBOX/shadow"
	chmod 0640 "$SANDBOX/shadow"
	mount --bind "$SANDBOX/shadow" /etc/shadow
	service unix "auth required $MODULE conf=$CONF forward_pass" \
	    "auth required $PAM_UNIX use_first_pass"
	# Real time: libfaketime with pam_unix hangs in sanitizer runs.
	enroll root
	out=$(pam_run "" -- "$DRIVER" -s unix -u root \
	    "s3cret$(oathtool --totp -b "$SECRET")" 2>&1)
	is "forward_pass + pam_unix use_first_pass: accepted" PAM_SUCCESS \
	    "$(result "$out")"
	is "forward_pass + pam_unix: one prompt" \
	    "prompt: Password and MFA code: " "$(echo "$out" | grep '^prompt')"
	enroll root
	out=$(pam_run "" -- "$DRIVER" -s unix -u root \
	    "wrong$(oathtool --totp -b "$SECRET")" 2>&1)
	is "forward_pass + pam_unix: wrong password refused" PAM_AUTH_ERR \
	    "$(result "$out")"
	umount /etc/shadow
else
	ok "# SKIP pam_unix stack: no private mount namespace, or sanitizer run"
fi

# try_first_pass after a password module: the password is not a code, so
# the module asks, and the password is not counted as a failure.
enroll alice
out=$(auth $T0 -s try s3cret "$(code $T0)")
is "try_first_pass: password then code accepted" PAM_SUCCESS \
    "$(result "$out")"
is "try_first_pass: asked for the code after the password" \
    "prompt: Password: |prompt: MFA code: " \
    "$(echo "$out" | grep '^prompt' | paste -sd '|')"
is "try_first_pass: the password was not counted" failures=0 \
    "$(show alice | grep failures)"
# ... and with a stacked token that is the code: no prompt at all.
enroll alice
out=$(PAM_AUTHTOK=$(code $T0) auth $T0 -s tryitem)
is "try_first_pass: stacked code accepted" PAM_SUCCESS "$(result "$out")"
is "try_first_pass: without a prompt" "" "$(echo "$out" | grep '^prompt')"
# ... a stacked wrong code: the module asks once more.
enroll alice
out=$(PAM_AUTHTOK=$(code $((T0 + 300))) auth $T0 -s tryitem "$(code $T0)")
is "try_first_pass: wrong stacked code, then the prompt" PAM_SUCCESS \
    "$(result "$out")"
is "try_first_pass: prompted after the failure" "prompt: MFA code: " \
    "$(echo "$out" | grep '^prompt')"

# use_first_pass: never prompts.
enroll alice
out=$(PAM_AUTHTOK=$(code $T0) auth $T0 -s useitem)
is "use_first_pass: stacked code accepted" PAM_SUCCESS "$(result "$out")"
is "use_first_pass: without a prompt" "" "$(echo "$out" | grep '^prompt')"
enroll alice
out=$(PAM_AUTHTOK=$(code $((T0 + 300))) auth $T0 -s useitem "$(code $T0)")
is "use_first_pass: wrong stacked code refused" PAM_AUTH_ERR \
    "$(result "$out")"
is "use_first_pass: and no second chance" "" \
    "$(echo "$out" | grep '^prompt')"
out=$(auth $T0 -s useitem "$(code $T0)")
is "use_first_pass: no stacked token refused" PAM_AUTH_ERR \
    "$(result "$out")"

done_testing
