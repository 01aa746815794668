#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# clean_build.sh SRCDIR: builds the Debian package in a Debian 12 build
# root where nothing but the declared Build-Depends gets installed
# (debootstrap --variant=buildd, then apt-get build-dep), so that a
# library the test machine happens to have but debian/control forgot
# fails here.  TAP on stdout.
#
# The build root is made once and kept in $AWSMFA_CACHE (default
# /var/cache/awsmfa-tests), as are the packages apt downloads; each run
# works in a throwaway overlay of it, so the cached root stays pristine.
# Needs root, a mount namespace and the Debian mirror; skips without them.
set -u
src=$(realpath "${1:?usage: clean_build.sh SRCDIR}")
cache=${AWSMFA_CACHE:-/var/cache/awsmfa-tests}
mirror=${AWSMFA_MIRROR:-http://deb.debian.org/debian}
base=$cache/bookworm-buildd
n=0

skip() { echo "1..0 # SKIP $*"; exit 0; }
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

[ "$(id -u)" -eq 0 ] || skip "needs root"
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
unshare -m --propagation private true 2>/dev/null ||
    skip "no private mount namespace can be made here"

# The build root, made once; a half-made one (debootstrap cut short) is
# never taken for done: it is renamed into place only at the end.
mkdir -p "$cache/apt-archives/partial" || exit 1
exec 9>"$cache/.lock"
flock 9
if [ ! -x "$base/usr/bin/dpkg-buildpackage" ]; then
	rm -rf "$base.new"
	debootstrap --variant=buildd bookworm "$base.new" "$mirror" \
	    >"$cache/debootstrap.log" 2>&1 ||
	    skip "debootstrap failed (no mirror?): $(tail -n 1 "$cache/debootstrap.log")"
	rm -rf "$base" && mv "$base.new" "$base"
fi
flock -u 9

work=$(mktemp -d /var/tmp/awsmfa-cleanbuild.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/upper/src" "$work/work" "$work/root"
# This tree as it is, uncommitted changes included; nothing that a build
# here left behind (the .gitignore'd files).
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z -co --exclude-standard |
	    tar --null -T - -cf -) | tar -xf - -C "$work/upper/src"
else
	tar -C "$src" --exclude=./build -cf - . | tar -xf - -C "$work/upper/src"
fi
result $? "the source is copied into the build root"
cp /etc/resolv.conf "$work/upper/resolv.conf"

# shellcheck disable=SC2016 # expanded by the inner shells
unshare -m --propagation private -- /bin/bash -c '
	w=$1 base=$2 cache=$3
	mount -t overlay awsmfa-cleanbuild -o \
	    "lowerdir=$base,upperdir=$w/upper,workdir=$w/work" "$w/root" ||
	    exit 97
	mount -t proc proc "$w/root/proc" &&
	    mount --rbind /dev "$w/root/dev" &&
	    mount --bind "$cache/apt-archives" "$w/root/var/cache/apt/archives" &&
	    cp "$w/root/resolv.conf" "$w/root/etc/resolv.conf" || exit 97
	exec chroot "$w/root" /bin/sh -ec "
		export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
		apt-get update -qq
		cd /src
		echo \"# apt-get build-dep\"
		apt-get build-dep -y -qq --no-install-recommends ./ >/dev/null
		dpkg-checkbuilddeps
		echo \"# dpkg-buildpackage\"
		DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b
	"
' cleanbuild "$work" "$base" "$cache" >"$work/build.log" 2>&1
rc=$?
[ $rc -eq 97 ] && skip "no overlay of the build root can be made here"
[ $rc -eq 0 ] || tail -n 30 "$work/build.log" | sed 's/^/# /'
result $rc "dpkg-buildpackage from the declared Build-Depends only"
ls "$work"/upper/libpam-awsmfa_*.deb >/dev/null 2>&1
result $? "and it made libpam-awsmfa's .deb"
echo "1..$n"
