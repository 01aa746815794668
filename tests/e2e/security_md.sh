#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# SECURITY.md's table of attacks: every row names at least one test, and
# every test it names exists in the tree (rows marked TODO(lead) wait for
# tests still being written).
. "$AWSMFA_SRCDIR/tests/lib.sh"

doc="$AWSMFA_SRCDIR/SECURITY.md"
[ -r "$doc" ] || skip_all "no SECURITY.md"
rows=$(grep -E '^\| [0-9]+ \|' "$doc")
check "the table has rows" test -n "$rows"
while IFS= read -r row; do
	n=$(printf '%s\n' "$row" | cut -d'|' -f2 | tr -d ' ')
	tests=$(printf '%s\n' "$row" | awk -F'|' '{ print $(NF - 1) }')
	case $tests in *'TODO(lead)'*) ok "row $n: # SKIP TODO(lead)"; continue ;; esac
	missing=
	named=0
	for t in $(printf '%s\n' "$tests" | tr ',' ' '); do
		named=$((named + 1))
		[ -e "$AWSMFA_SRCDIR/$t" ] || missing="$missing $t"
	done
	if [ "$named" -gt 0 ] && [ -z "$missing" ]; then
		ok "row $n: $(printf '%s' "$tests" | sed 's/^ *//; s/ *$//')"
	else
		not_ok "row $n: no test named, or missing:$missing"
	fi
done <<<"$rows"
done_testing
