#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every writing verb refuses a non-root caller with one line, after its
# arguments parsed and before anything is touched: another user's devices
# (self-service acts on the caller's own only), root's options, root's verbs.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf
create_device alice
printf 'T1,3132333435363738393031323334353637383930\n' > "$SANDBOX/t.csv"
chmod 0644 "$SANDBOX/t.csv"
before=$(cd "$STORE" && cat -- * 2>/dev/null | sha256sum)

# The build folder may sit where nobody cannot enter (a clone in /root is
# 0700): nobody runs a copy from the sandbox, which anyone may read.
install -m 0755 "$ENROLL" "$SANDBOX/mfa-enroll"
as_nobody() {
	runuser -u nobody -- "$SANDBOX/mfa-enroll" --conf "$CONF" "$@" </dev/null
}

# Self-service verbs act on the caller alone (awsmfa-self): another
# user's name is refused by the client, root's options are usage errors;
# the rest are root's.
own="1 mfa-enroll: %s: you may only manage your own MFA devices (you are nobody, not %s)"
while IFS='|' read -r want verb args; do
	# shellcheck disable=SC2086
	err=$(as_nobody $verb $args 2>&1 >/dev/null)
	got="$? $err"
	case $want in
	own) want=$(printf "$own" "$verb" "${args%% *}") ;;
	root) want="1 mfa-enroll: must be run as root" ;;
	usage) want="2 ${got#2 }"; case $got in "2 mfa-enroll: $verb: bad"*) ;; *) want=usage ;; esac ;;
	esac
	is "$verb $args as nobody" "$want" "$got"
done <<VERBS
own|create|bob
usage|create|bob --device x --qr-file $SANDBOX/nobody.png
own|enable|alice default 123456 654321
own|resync|alice default 123456 654321
own|deactivate|alice default
usage|deactivate|alice --all
root|import-tokens|$SANDBOX/t.csv
usage|recovery-codes|alice --count 2
VERBS
is "the store is untouched" "$before" "$(cd "$STORE" && cat -- * 2>/dev/null | sha256sum)"
check "no QR file was written" test ! -e "$SANDBOX/nobody.png"
out=$(as_nobody create --help)
is "--help works for anyone" 0 $?
err=$(as_nobody enable alice 2>&1 >/dev/null)
is "bad arguments are reported before the root check" 2 $?

done_testing
