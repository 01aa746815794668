#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# split_pass, try_first_pass and use_first_pass in real stacks, with
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

# split_pass: one prompt, the code split off the end, the password handed
# on as PAM_AUTHTOK (pam_get_items, standing for the password module,
# exports it for the driver to print), the code judged by the second
# pam_awsmfa line.
service fwd "auth required $MODULE conf=$CONF split_pass" \
    "auth required $PAM_GET_ITEMS" "auth required $MODULE conf=$CONF"
enroll alice
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "s3cret$(code $T0)")
is "split_pass: password+code accepted" PAM_SUCCESS "$(result "$out")"
is "split_pass: the password is handed on" "env: PAM_AUTHTOK=s3cret" \
    "$(echo "$out" | grep '^env:')"
is "split_pass: one prompt" "prompt: Password and MFA code: " \
    "$(echo "$out" | grep '^prompt')"
enroll alice
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "s3cret$(code $((T0 + 300)))")
is "split_pass: wrong code refused" PAM_AUTH_ERR "$(result "$out")"
is "split_pass: password handed on all the same" \
    "env: PAM_AUTHTOK=s3cret" "$(echo "$out" | grep '^env:')"
"$MKRECORD" write "$STORE" alice dev=key "secret=$SECRET" digits=8
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$(code $T0 "$SECRET" --totp --digits=8)")
is "split_pass: an 8-digit device splits off 8 digits" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=pw" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"
# Devices with 6- and 8-digit codes: the cut is always the shortest.  A
# cut that depended on which code is right would tell a client who knows
# the password whether a guess was right, uncounted (the password module
# ends the stack on a wrong cut before the code is judged).
S2=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
mixed() {
	"$MKRECORD" write "$STORE" alice dev=phone "secret=$SECRET" \
	    dev=key "secret=$S2" digits=8
}
mixed
right8=$(code $T0 "$S2" --totp --digits=8)
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$right8")
is "split_pass, 6 and 8 digits: a right 8-digit code is cut at 6 too" \
    "env: PAM_AUTHTOK=pw${right8:0:2}" "$(echo "$out" | grep '^env:')"
mixed
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$(( ${right8:0:1} == 9 ? 1 : 9 ))${right8:1}")
is "split_pass, 6 and 8 digits: as a wrong one is: the cut tells nothing" \
    "env: PAM_AUTHTOK=pw$(( ${right8:0:1} == 9 ? 1 : 9 ))${right8:1:1}" \
    "$(echo "$out" | grep '^env:')"
mixed
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw$(code $T0)")
is "split_pass, 6 and 8 digits: the 6-digit code accepted" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=pw" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"
mixed
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "pw12345678")
is "split_pass, 6 and 8 digits: a wrong code is one failure, not two" \
    "PAM_AUTH_ERR|failures=1" \
    "$(result "$out")|$(show alice | grep failures)"
is "split_pass, 6 and 8 digits: the shorter split is handed on" \
    "env: PAM_AUTHTOK=pw12" "$(echo "$out" | grep '^env:')"
# A user without a device types no code: the whole answer is the password,
# even one shaped like a code or a recovery code.
out=$(auth $T0 -s fwd -u nodev -e PAM_AUTHTOK "Summer-2024-Pass")
is "split_pass, no device: a dashed password is handed on whole" \
    "env: PAM_AUTHTOK=Summer-2024-Pass" "$(echo "$out" | grep '^env:')"
out=$(auth $T0 -s fwd -u nodev -e PAM_AUTHTOK "pw123456")
is "split_pass, no device: digits at the end stay in the password" \
    "env: PAM_AUTHTOK=pw123456" "$(echo "$out" | grep '^env:')"
read -r rc1 h1 <<<"$("$MKRECORD" recovery)"
enroll alice "recovery=$h1"
out=$(auth $T0 -s fwd -e PAM_AUTHTOK "s3cret$rc1")
is "split_pass: password+recovery code accepted" \
    "PAM_SUCCESS|env: PAM_AUTHTOK=s3cret" \
    "$(result "$out")|$(echo "$out" | grep '^env:')"

# The production stacks with the real pam_unix, against a private
# /etc/shadow giving root (enrolled) and daemon (not enrolled) the same
# known password (bind mount in this test's own mount namespace).
# (Not in sanitizer runs: pam_unix's hashing crashes with the sanitizer
# runtimes preloaded into it; split_pass is covered above all the same.)
if [ "${AWSMFA_PRIVATE_NS:-}" = 1 ] && [ -r "$PAM_UNIX" ] &&
    [ -z "$AWSMFA_PRELOAD" ]; then
	hash=$(openssl passwd -6 s3cret)
	private_etc || echo "Bail out! cannot make a private /etc"
	awk -F: -v OFS=: -v h="$hash" '$1 == "root" || $1 == "daemon" {
	    $2 = h } { print }' /etc/shadow >"$SANDBOX/shadow"
	cat "$SANDBOX/shadow" >"$SANDBOX/etc/shadow"
	write_conf "max_failures = 5;" "lockout_seconds = 600;"
	# The stacks pam_awsmfa(8) and README.md document: split_pass, and
	# the plain one after Debian's common-auth.
	service unix "auth required $MODULE conf=$CONF split_pass" \
	    "auth requisite $PAM_UNIX use_first_pass" \
	    "auth required $MODULE conf=$CONF nullok"
	service common "auth [success=1 default=ignore] $PAM_UNIX nullok" \
	    "auth requisite $PAM_DENY" "auth required $PAM_PERMIT" \
	    "auth required $MODULE conf=$CONF nullok"
	# unix SERVICE USER ANSWER...: one login at real time (libfaketime
	# with pam_unix hangs in sanitizer runs).
	unix() {
		local svc=$1 u=$2
		shift 2
		pam_run "" -- "$DRIVER" -s "$svc" -u "$u" "$@" 2>&1
	}
	# What the client sees.
	seen() { grep -E '^(prompt|error|info|result):'; }
	enroll root
	c=$(oathtool --totp -b "$SECRET")
	out=$(unix unix root "s3cret$c")
	is "split_pass + pam_unix: accepted" PAM_SUCCESS "$(result "$out")"
	is "split_pass + pam_unix: one prompt" \
	    "prompt: Password and MFA code: " "$(echo "$out" | grep '^prompt')"
	# The hint that a code was used: after the password only.
	out=$(unix unix root "wrong$c")
	is "split_pass: the used code after a wrong password: no hint" \
	    "PAM_AUTH_ERR" "$(echo "$out" | grep -E '^(info|error):')$(result "$out")"
	out=$(unix unix root "s3cret$c")
	is "split_pass: the used code after the password: the hint" \
	    "info: This code was already used; wait for the next one.|PAM_AUTH_ERR" \
	    "$(echo "$out" | grep -E '^(info|error):' | paste -sd '|')|$(result "$out")"
	enroll root
	out=$(unix unix root "wrong$(oathtool --totp -b "$SECRET")")
	is "split_pass + pam_unix: wrong password refused" PAM_AUTH_ERR \
	    "$(result "$out")"

	# The rule: a client without the password changes nothing and
	# learns nothing about enrolment.  Eight garbage answers each (past
	# max_failures; the first with the right code after a wrong
	# password), for an enrolled and an unenrolled user.
	for svc in unix common; do
		enroll root
		before=$(sha256sum <"$STORE/root")
		out_r= out_d=
		for g in "nope$(oathtool --totp -b "$SECRET")" x 000000 \
		    wrong123456 abcd-efgh-2345 s3cre @eof x; do
			out_r+=$(unix $svc root "$g" "$g" | seen)
			out_d+=$(unix $svc daemon "$g" "$g" | seen)
		done
		is "$svc: garbage without the password: record bytes unchanged" \
		    "$before" "$(sha256sum <"$STORE/root")"
		is "$svc: ... no failure counted, no lock" \
		    "failures=0|locked_until=0" \
		    "$(show root | grep -E '^(failures|locked_until)=' | paste -sd '|')"
		is "$svc: ... the same prompts, messages and results enrolled or not" \
		    "$out_d" "$out_r"
		check "$svc: ... never the lock message nor a hint" \
		    bash -c '! grep -q -e "temporarily locked" -e "already used" <<<"$1"' _ "$out_r"
		check "$svc: ... all refused" \
		    bash -c '! grep -q "result: PAM_SUCCESS" <<<"$1"' _ "$out_r"
		check "$svc: ... no record made for daemon" test ! -e "$STORE/daemon"
	done
	out=$(unix common root s3cret "$(oathtool --totp -b "$SECRET")")
	is "common-auth + pam_awsmfa: password then code accepted" \
	    PAM_SUCCESS "$(result "$out")"
	out=$(unix unix daemon s3cret)
	is "split_pass + pam_unix, not enrolled, nullok: the password is enough" \
	    PAM_SUCCESS "$(result "$out")"

	# With the password, a wrong code counts, and the fifth locks.
	for svc in unix common; do
		enroll root
		wrong=$(oathtool --totp -b "$SECRET" -N '+1 hour')
		if [ $svc = unix ]; then a=("s3cret$wrong"); else a=(s3cret "$wrong"); fi
		out=$(unix $svc root -n 5 "${a[@]}")
		is "$svc: password and 5 wrong codes: 5 failures, locked" \
		    "failures=5|locked" \
		    "$(show root | grep '^failures=')|$(show root |
		    sed -n 's/^locked_until=[1-9].*/locked/p')"
		out=$(unix $svc root "${a[@]}")
		is "$svc: then the lock message, after the password" \
		    "error: Account temporarily locked until $(date -d @"$(show root |
		    sed -n 's/^locked_until=//p')" +%H:%M).|PAM_MAXTRIES" \
		    "$(echo "$out" | grep '^error' | paste -sd '|')|$(result "$out")"
	done

	# Misconfigured: split_pass without the second line lets the
	# password alone through (pam_awsmfa(8) says so); pam_end logs it.
	service noline3 "auth required $MODULE conf=$CONF split_pass" \
	    "auth requisite $PAM_UNIX use_first_pass"
	enroll root
	out=$(unix noline3 root "s3cret$(oathtool --totp -b "$SECRET")")
	check "split_pass without the second line: logged at pam_end" \
	    grep -q "was never checked" <<<"$out"
	out=$(unix noline3 root "s3cre$(oathtool --totp -b "$SECRET")")
	check "... but not after a wrong password" \
	    bash -c '! grep -q "never checked" <<<"$1"' _ "$out"
	# The second line without a stash (no split_pass line) asks as usual.
	service noline1 "auth requisite $PAM_UNIX" \
	    "auth required $MODULE conf=$CONF"
	out=$(unix noline1 root s3cret "$(oathtool --totp -b "$SECRET")")
	is "a plain line without a stash prompts" \
	    "prompt: Password: |prompt: MFA code: |PAM_SUCCESS" \
	    "$(echo "$out" | grep '^prompt' | paste -sd '|')|$(result "$out")"
	umount /etc
	write_conf "max_failures = 100;"
else
	ok "# SKIP pam_unix stacks: no private mount namespace, or sanitizer run"
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
# Passwords shaped like a recovery code or like a code are tried, but a
# miss on them is never counted: one wrong code is one failure.
# (pam_matrix keeps its password to itself: pam_set_items stacks it.)
read -r rcb hb <<<"$("$MKRECORD" recovery)"
enroll bob "recovery=$hb"
out=$(PAM_AUTHTOK=Sunshinesand auth $T0 -s tryitem -u bob \
    "$(code $((T0 + 300)))")
is "try_first_pass, recovery-shaped password, wrong code: one failure" \
    "PAM_AUTH_ERR|failures=1" "$(result "$out")|$(show bob | grep failures)"
enroll carol
out=$(PAM_AUTHTOK=123456 auth $T0 -s tryitem -u carol "$(code $((T0 + 300)))")
is "try_first_pass, code-shaped password, wrong code: one failure" \
    "PAM_AUTH_ERR|failures=1" "$(result "$out")|$(show carol | grep failures)"
enroll carol
out=$(PAM_AUTHTOK=123456 auth $T0 -s tryitem -u carol "$(code $T0)")
is "try_first_pass, code-shaped password, right code: accepted" \
    "PAM_SUCCESS|failures=0" "$(result "$out")|$(show carol | grep failures)"
# A miss on the stacked token writes nothing, not even the reset of a lock
# that ran out, and shows no lock message (no answer at the prompt after).
enroll bob "recovery=$hb" failures=7 locked_until=$((T0 - 10))
before=$(sha256sum <"$STORE/bob")
out=$(PAM_AUTHTOK=Sunshinesand auth $T0 -s tryitem -u bob @eof)
is "try_first_pass, a miss then no answer: record bytes unchanged" \
    "$before" "$(sha256sum <"$STORE/bob")"
enroll bob failures=7 locked_until=$((T0 + 600))
out=$(PAM_AUTHTOK=$(code $T0) auth $T0 -s tryitem -u bob @eof)
is "try_first_pass while locked: no lock message for the stacked token" \
    "" "$(echo "$out" | grep '^error')"
rm -f "$STORE/bob" "$STORE/carol"

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
