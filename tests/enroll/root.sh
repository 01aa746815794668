#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Every writing verb refuses a non-root caller with one line and exit 1,
# after its arguments parsed and before anything is touched.
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

while read -r verb args; do
	# shellcheck disable=SC2086
	err=$(as_nobody $verb $args 2>&1 >/dev/null)
	is "$verb as nobody" "1 mfa-enroll: must be run as root" "$? $err"
done <<VERBS
create bob
create bob --device x --qr-file $SANDBOX/nobody.png
enable alice default 123456 654321
resync alice default 123456 654321
deactivate alice default
deactivate alice --all
import-tokens $SANDBOX/t.csv
recovery-codes alice --count 2
VERBS
is "the store is untouched" "$before" "$(cd "$STORE" && cat -- * 2>/dev/null | sha256sum)"
check "no QR file was written" test ! -e "$SANDBOX/nobody.png"
out=$(as_nobody create --help)
is "--help works for anyone" 0 $?
err=$(as_nobody enable alice 2>&1 >/dev/null)
is "bad arguments are reported before the root check" 2 $?

done_testing
