# SPDX-License-Identifier: BSD-2-Clause
# Every library configure requires is declared where a newcomer looks:
# debian/control's Build-Depends, README's apt-get line for the package,
# and scripts/deps.sh.  configure names the package in its error message
# ("apt-get install X"); that is the list to hold the others to.
# (scripts/check.sh also builds the package from Build-Depends alone.)
. "$AWSMFA_SRCDIR/tests/lib.sh"

src=$AWSMFA_SRCDIR
needed=$(grep -o 'apt-get install [a-z0-9.+-]*' "$src/configure.ac" |
    awk '{ print $3 }' | sort -u)
[ -n "$needed" ] || skip_all "configure.ac names no package"
# Build-Depends, one name per line, without versions or alternatives.
# A release tarball has no debian/ (scripts/deb.sh adds the tree's).
declared=
[ -f "$src/debian/control" ] &&
    declared=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$src/debian/control" |
    sed -e 's/^Build-Depends://' -e '/^[A-Z]/d' | tr ',' '\n' |
    sed -e 's/[(|].*//' -e 's/[[:space:]]//g' -e '/^$/d')
# README: the apt-get line just before dpkg-buildpackage.
readme=$(grep -B3 '^dpkg-buildpackage' "$src/README.md" |
    sed -n 's/^apt-get install //p' | tr ' ' '\n')
. "$src/scripts/deps.sh"

for p in $needed; do
	[ -n "$declared" ] &&
	    check "Build-Depends has $p" grep -qx "$p" <<<"$declared"
	check "README's apt-get line has $p" grep -qx "$p" <<<"$readme"
	check "scripts/deps.sh BUILD_DEPS has $p" \
	    grep -qx "$p" <<<"$(printf '%s\n' $BUILD_DEPS)"
done
# And README installs what Build-Depends declares, debhelper for
# debhelper-compat.
for p in $declared; do
	[ "$p" = debhelper-compat ] && p=debhelper
	check "README's apt-get line has Build-Depends' $p" \
	    grep -qx "$p" <<<"$readme"
done
done_testing
