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
	out=$(mandoc -T lint -W warning "$src" 2>&1)
	is "$page: mandoc -T lint -W warning says nothing" "" "$out"
	out=$(groff -ww -z -mandoc "$src" 2>&1)
	is "$page: groff -ww says nothing" "" "$out"
	# Each page is listed for installation.
	check "$page is in dist_man_MANS" \
	    grep -q "$page" "$AWSMFA_SRCDIR/man/Makefile.inc"
done
done_testing
