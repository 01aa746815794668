#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What is shown only once must reach the admin: when standard output
# cannot be written (/dev/full), create undoes the device it cannot show
# and recovery-codes says its new codes were not shown; one line, exit 1.
# (root: a user NSS knows, so that create has no warning to add.)
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

err=$(mfa create root --qr none 2>&1 >/dev/full)
is "create to a full stdout: exit 1" 1 $?
is "create to a full stdout: one line" \
    "mfa-enroll: standard output: No space left on device; nothing created" "$err"
check "and no device was created" test ! -e "$STORE/root"

create_device alice
err=$(mfa recovery-codes alice --count 2 2>&1 >/dev/full)
is "recovery-codes to a full stdout: exit 1" 1 $?
is "recovery-codes to a full stdout: one line" \
    "mfa-enroll: standard output: No space left on device; the new recovery codes of alice were not shown and the earlier ones no longer work: run recovery-codes again" "$err"
done_testing
