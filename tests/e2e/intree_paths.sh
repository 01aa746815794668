#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The installed module and mfa-enroll look for the PostgreSQL plugin
# where it will be installed, not in the build tree: a fleet test that
# named them would get PAM_AUTHINFO_UNAVAIL ("needs libpam-awsmfa-pgsql")
# for every login, and a check that expects a refusal would pass without
# the database ever being asked.  The fleet tests take the build tree's
# copies (tests/lib.sh's MODULE and ENROLL) or say why not.
. "$AWSMFA_SRCDIR/tests/lib.sh"
cd "$AWSMFA_SRCDIR" || exit 1
named=$(grep -ln 'pam_module/\.libs/pam_awsmfa\.so\|enroll_tool/mfa-enroll' \
    tests/pg/*.sh tests/pg/*.py 2>/dev/null)
is "no fleet test names the installed module or mfa-enroll" "" "$named"
done_testing
