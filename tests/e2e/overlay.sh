#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# overlay.sh COMMAND [ARGS...]: runs COMMAND as root chrooted into a
# throwaway copy-on-write overlay of /, in a private mount namespace: it may
# install packages and edit /etc, and nothing of it reaches the machine.
# The writes go to a tmpfs that vanishes with the namespace.  Paths on the
# root file system (the build tree) are seen inside at the same place.
# Prints "1..0 # SKIP reason" and exits 0 where no namespace, tmpfs or
# overlay can be made (containers, chroots).
set -u
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root"
unshare -m --propagation private true 2>/dev/null ||
    skip "no private mount namespace can be made here"
top=$(mktemp -d /tmp/awsmfa-overlay.XXXXXX) || exit 1
trap 'rmdir "$top"' EXIT
# shellcheck disable=SC2016
unshare -m --propagation private -- /bin/bash -c '
	top=$1 cwd=$PWD
	shift
	mount -t tmpfs -o mode=0755 awsmfa-overlay "$top" || exit 97
	mkdir "$top/upper" "$top/work" "$top/root"
	mount -t overlay awsmfa-overlay -o \
	    "lowerdir=/,upperdir=$top/upper,workdir=$top/work" "$top/root" ||
	    exit 97
	for d in proc sys dev; do
		mount --rbind "/$d" "$top/root/$d" || exit 97
	done
	mount -t tmpfs tmpfs "$top/root/run" || exit 97
	exec chroot "$top/root" env -C "$cwd" "$@"
' overlay "$top" "$@"
rc=$?
[ $rc -eq 97 ] && skip "no private overlay of / can be made here"
exit $rc
