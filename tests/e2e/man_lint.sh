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
	# Style too; but whether a referenced manual is installed says
	# nothing of the page (ours are not installed yet, syslog(3) is
	# manpages-dev's, absent on a fresh Debian), nor does a stale
	# mandoc.db.  References to our own pages are checked below.
	out=$(mandoc -T lint -W all "$src" 2>&1 | grep -v -e 'mandoc\.db' \
	    -e 'STYLE: referenced manual not found: Xr ')
	is "$page: mandoc -T lint -W all says nothing" "" "$out"
	check "$page: a fixed date" grep -q '^\.Dd [A-Z][a-z]* [0-9]*, 20[0-9][0-9]$' "$src"
	out=$(groff -mandoc -Tutf8 "$src" 2>/dev/null | grep -c BSD)
	is "$page: groff shows no BSD header or footer" 0 "$out"
	out=$(groff -ww -z -mandoc "$src" 2>&1)
	is "$page: groff -ww says nothing" "" "$out"
	# A reference to one of ours names a page of this tree.
	bad=$(awk '$1 == ".Xr" && ($2 == "pam_awsmfa" || $2 == "mfa-enroll" ||
	    $2 == "awsmfa.conf") { print $2 "." $3 }' "$src" | sort -u |
	    while read -r ref; do
		[ -f "$AWSMFA_SRCDIR/man/$ref" ] || echo "$ref"
	    done)
	is "$page: every reference to our pages names one" "" "$bad"
	# Each page is listed for installation.
	check "$page is in dist_man_MANS" \
	    grep -q "$page" "$AWSMFA_SRCDIR/man/Makefile.inc"
done
out=$(mandoc -T ascii "$AWSMFA_SRCDIR/man/awsmfa.conf.5" | col -b)
check "awsmfa.conf.5 quotes each group, not the list" \
    grep -qF 'require_groups = ["group", ...];' <<<"$out"
done_testing
