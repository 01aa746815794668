#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The licence is stated: LICENSE is BSD-2-Clause, and every source file
# names it in an SPDX line at its top (after a shebang).
. "$AWSMFA_SRCDIR/tests/lib.sh"
cd "$AWSMFA_SRCDIR" || exit 1
check "LICENSE is the BSD 2-Clause licence" grep -q '^BSD 2-Clause License$' LICENSE
missing=$(find . -path ./build -prune -o -path './_build' -prune -o \
    -path ./build-aux -prune -o -path ./autom4te.cache -prune -o \
    -path './pam_awsmfa-*' -prune -o -path ./tests/fuzz/seeds -prune -o \
    -type f \( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o \
    -name '*.inc' -o -name Makefile.am -o -name configure.ac -o -name '*.sql' -o \
    -name '*.[58]' \) -print | sort | while read -r f; do
	head -n 2 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause' ||
	    echo "$f"
done)
is "every source has an SPDX line at its top" "" "$missing"
done_testing
