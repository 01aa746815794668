# SPDX-License-Identifier: BSD-2-Clause
# The manual pages are clean for both formatters an admin may have:
# mandoc's linter (warnings and worse) and groff with every warning on.
. "$AWSMFA_SRCDIR/tests/lib.sh"

pages=$(cd "$AWSMFA_SRCDIR" && ls man/*.[0-9])
[ -n "$pages" ] || skip_all "no manual pages"
command -v mandoc >/dev/null || skip_all "mandoc is not installed"
command -v groff >/dev/null || skip_all "groff is not installed"

for page in $pages; do
	src=$AWSMFA_SRCDIR/$page
	# Style too; but our own pages are not installed yet, and the
	# machine's mandoc.db may be stale: neither is the page's fault.
	out=$(mandoc -T lint -W all "$src" 2>&1 | grep -v -e 'mandoc\.db' \
	    -e 'referenced manual not found: Xr \(pam_awsmfa 8\|mfa-enroll 8\|awsmfa\.conf 5\)')
	is "$page: mandoc -T lint -W all says nothing" "" "$out"
	check "$page: a fixed date" grep -q '^\.Dd [A-Z][a-z]* [0-9]*, 20[0-9][0-9]$' "$src"
	out=$(groff -mandoc -Tutf8 "$src" 2>/dev/null | grep -c BSD)
	is "$page: groff shows no BSD header or footer" 0 "$out"
	out=$(groff -ww -z -mandoc "$src" 2>&1)
	is "$page: groff -ww says nothing" "" "$out"
	# Each page is listed for installation.
	check "$page is in dist_man_MANS" \
	    grep -q "$page" "$AWSMFA_SRCDIR/man/Makefile.inc"
done
out=$(mandoc -T ascii "$AWSMFA_SRCDIR/man/awsmfa.conf.5" | col -b)
check "awsmfa.conf.5 quotes each group, not the list" \
    grep -qF 'require_groups = ["group", ...];' <<<"$out"
done_testing
