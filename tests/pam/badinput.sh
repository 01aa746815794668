#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad input from the conversation: refused without a crash, counted as a
# failure when it was an attempt, not counted when there was no answer.
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

write_conf "max_failures = 100;"
service mfa "auth required $MODULE conf=$CONF"
enroll alice
c=$(code $T0)
n=0

# attempt DESCRIPTION ANSWER: refused with PAM_AUTH_ERR and counted.
attempt() {
	local out
	out=$(auth $T0 "$2")
	n=$((n + 1))
	is "$1: refused" PAM_AUTH_ERR "$(result "$out")"
	is "$1: counted as a failure" "failures=$n" \
	    "$(show alice | grep failures)"
}

attempt "empty answer" ""
attempt "spaces only" "      "
attempt "non-digits" "abcdef"
attempt "digits with a letter" "12345a"
attempt "too short" "${c:0:5}"
attempt "too long" "${c}0"
attempt "7 digits for a 6-digit device" "1234567"
attempt "one megabyte" "@big"
attempt "the code cut by a NUL byte" "${c:0:3}\\0${c:3}"
attempt "a NUL byte first" "\\0$c"
attempt "inner space" "${c:0:3} ${c:3}"
attempt "full-width digits" "１２３４５６"
attempt "signed number" "+${c:1}"
attempt "percent format" "%s%n%s%n%s"

out=$(auth $T0 "@eof")
is "EOF (conversation error): refused" PAM_AUTH_ERR "$(result "$out")"
out=$(auth $T0 "@null")
is "no answer (NULL response): refused" PAM_AUTH_ERR "$(result "$out")"
out=$(auth $T0)
is "no answers at all: refused" PAM_AUTH_ERR "$(result "$out")"
is "no answer is not counted as an attempt" "failures=$n" \
    "$(show alice | grep failures)"
is "the record still parses and holds no accepted step" \
    "phone.last_step=none" "$(show alice | grep last_step)"

out=$(auth $T0 " $c ")
is "surrounding whitespace is dropped: accepted" PAM_SUCCESS \
    "$(result "$out")"

done_testing
