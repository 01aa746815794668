#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# lib/ shows its rooms: every source lives in a room's folder, and a file
# includes headers of its own room and of the rooms before it only, in
# the order Makefile.am's LIB_ROOMS gives (utilities first, the
# PostgreSQL plugin last), so that no room reaches up into one built on
# it.  The order is written once, in Makefile.am.
. "$AWSMFA_SRCDIR/tests/lib.sh"
cd "$AWSMFA_SRCDIR" || exit 1
read -ra rooms <<<"$(sed -n 's/^LIB_ROOMS = //p' Makefile.am)"
check "Makefile.am names the rooms" test "${#rooms[@]}" -gt 1
declare -A rank
for i in "${!rooms[@]}"; do rank[${rooms[i]}]=$i; done

loose=$(find lib -maxdepth 1 -name '*.[ch]' | sort | xargs)
is "no source directly in lib/" "" "$loose"
stray=$(for d in lib/*/; do
	d=${d%/}
	[ -n "${rank[${d#lib/}]+x}" ] || echo "$d"
done | xargs)
is "every folder of lib/ is a room of LIB_ROOMS" "" "$stray"

up=$(for f in lib/*/*.[ch]; do
	r=${f#lib/}
	r=${r%%/*}
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r h; do
		# shellcheck disable=SC2086 # one match or none
		set -- lib/*/"$h"
		[ -e "$1" ] || continue
		hr=${1#lib/}
		hr=${hr%%/*}
		[ "${rank[$hr]}" -le "${rank[$r]}" ] ||
		    echo "$f ($r) includes $1 ($hr)"
	done
done)
is "no room includes a header of a room after it" "" "$up"
done_testing
