#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The store on a full filesystem: a loop-mounted ext4 filled until ENOSPC,
# once with no block free and once with no inode free.  Logins that accept,
# refuse, replay and burn a recovery code, and the mfa-enroll verbs that
# write: no code is accepted twice, a login accepts only with its step on
# disk and otherwise fails closed, mfa-enroll fails with one line and
# leaves the old state, nothing is damaged, and all works again once
# space is freed.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/faults/faultlib.sh"

command -v mkfs.ext4 >/dev/null || skip_all "mkfs.ext4 missing"
MNT="$SANDBOX/mnt"
mkdir -p "$MNT"
truncate -s 4M "$SANDBOX/probe.img"
mkfs.ext4 -q -F -m 0 "$SANDBOX/probe.img" >/dev/null 2>&1 ||
    skip_all "mkfs.ext4 failed"
mount -o loop "$SANDBOX/probe.img" "$MNT" 2>/dev/null ||
    skip_all "no loop devices here"
umount "$MNT"
rm -f "$SANDBOX/probe.img"
at_exit "mountpoint -q '$MNT' && umount '$MNT'"

service mfa "auth required $MODULE conf=$CONF"
read -r RCODE RHASH < <("$MKRECORD" recovery)

# fill_blocks, fill_inodes: use up the filesystem; prints what is left.
fill_blocks() {
	dd if=/dev/zero of="$MNT/fill" bs=64k 2>/dev/null
	dd if=/dev/zero of="$MNT/fill1k" bs=1k 2>/dev/null
	sync
	df --output=avail "$MNT" | tail -n 1 | tr -d ' '
}
fill_inodes() {
	local n=0
	mkdir "$MNT/fill"
	while touch "$MNT/fill/$n" 2>/dev/null; do n=$((n + 1)); done
	df --output=iavail "$MNT" | tail -n 1 | tr -d ' '
}

# variant NAME ERRNO-TEXT MKFS-OPTIONS...
variant() {
	local v=$1 enospc=$2 left r before
	shift 2
	truncate -s 4M "$SANDBOX/$v.img"
	mkfs.ext4 -q -F -m 0 "$@" "$SANDBOX/$v.img" >/dev/null
	mount -o loop "$SANDBOX/$v.img" "$MNT"
	STORE="$MNT/store"
	mkdir -m 0700 "$STORE"
	write_conf "max_failures = 100;"
	: >"$ACCEPTED"

	enroll alice
	enroll bob
	rm -f "$STORE/.lock.bob"
	enroll carol "recovery=$RHASH"
	"$MKRECORD" write "$STORE" erin dev=phone "secret=$SECRET" \
	    status=pending
	"$MKRECORD" write "$STORE" frank dev=phone "secret=$SECRET" \
	    dev=tablet "secret=$SECRET"
	is "$v: alice logs in before the fill" PAM_SUCCESS \
	    "$(login $((T0 - 60)) alice "$(code $((T0 - 60)))")"
	is "$v: carol too" PAM_SUCCESS \
	    "$(login $((T0 - 60)) carol "$(code $((T0 - 60)))")"

	left=$(fill_"$v")
	is "$v: filesystem full" 0 "$left"

	# Logins: alice and carol have their lock files, bob has none yet.
	r=$(login $T0 alice "$(code $T0)")
	saved_or_closed "$v: alice, fresh code" "$r" alice $T0
	isnt_success "$v: alice, the same code again" \
	    "$(login $T0 alice "$(code $T0)")"
	isnt_success "$v: alice, a wrong code" \
	    "$(login $T0 alice 000000)"
	r=$(login $T0 bob "$(code $T0)")
	saved_or_closed "$v: bob (no lock file yet), fresh code" "$r" bob $T0
	# A recovery code replaces the whole file: that needs space.
	r=$(login $T0 carol "$RCODE")
	is "$v: carol's recovery code cannot be burnt, so is refused" \
	    PAM_AUTHINFO_UNAVAIL "$r"
	is "$v: carol's recovery code is still stored" \
	    nrecovery=1 "$(show carol | grep '^nrecovery=')"

	# mfa-enroll verbs that write.
	before=$(for u in alice erin frank; do show $u; done)
	one_line_error "$v: create" "$enospc" create dave --qr none
	one_line_error "$v: recovery-codes" "$enospc" recovery-codes alice
	one_line_error "$v: deactivate one of two" "$enospc" \
	    deactivate frank tablet
	printf 'T100,%s\n' "$SECRET" >"$SANDBOX/tokens.csv"
	one_line_error "$v: import-tokens" "$enospc" \
	    import-tokens "$SANDBOX/tokens.csv"
	mfa_at $T0 enable erin phone "$(code $((T0 - 30)))" "$(code $T0)" \
	    >/dev/null 2>"$SANDBOX/err" && r=0 || r=$?
	is "$v: enable fails with one line" "1 1" \
	    "$r $(wc -l <"$SANDBOX/err")"
	is "$v: the records mfa-enroll failed on are as they were" \
	    "$before" "$(for u in alice erin frank; do show $u; done)"
	check "$v: no record for dave" test ! -e "$STORE/dave"
	store_sound "$v: full"

	# Space again.
	rm -rf "$MNT/fill" "$MNT/fill1k"
	sync
	isnt_success "$v: freed: alice's code of the fault is still refused" \
	    "$(login $((T0 + 30)) alice "$(code $T0)")"
	is "$v: freed: alice logs in with the next code" PAM_SUCCESS \
	    "$(login $((T0 + 30)) alice "$(code $((T0 + 30)))")"
	is "$v: freed: bob too" PAM_SUCCESS \
	    "$(login $((T0 + 30)) bob "$(code $((T0 + 30)))")"
	is "$v: freed: carol's recovery code works" PAM_SUCCESS \
	    "$(login $T0 carol "$RCODE")"
	is "$v: freed: once" PAM_AUTH_ERR "$(login $T0 carol "$RCODE")"
	check "$v: freed: create" sh -c \
	    "'$ENROLL' --conf '$CONF' create dave --qr none >/dev/null </dev/null"
	check "$v: freed: recovery-codes" sh -c \
	    "'$ENROLL' --conf '$CONF' recovery-codes alice >/dev/null"
	check "$v: freed: deactivate" sh -c \
	    "'$ENROLL' --conf '$CONF' deactivate frank tablet >/dev/null"
	check "$v: freed: import-tokens" sh -c \
	    "'$ENROLL' --conf '$CONF' import-tokens '$SANDBOX/tokens.csv' >/dev/null"
	check "$v: freed: enable" mfa_at $((T0 + 30)) enable erin phone \
	    "$(code $T0)" "$(code $((T0 + 30)))"
	is "$v: freed: alice's code still refused after her rewrite" \
	    PAM_AUTH_ERR "$(login $((T0 + 30)) alice "$(code $((T0 + 30)))")"
	store_sound "$v: freed"
	no_double_accept
	umount "$MNT"
}

isnt_success() {
	if [ "$2" != PAM_SUCCESS ]; then ok "$1: $2"; else not_ok "$1: PAM_SUCCESS"; fi
	[ "$2" = PAM_SUCCESS ] && echo "replayed" >>"$ACCEPTED"
	return 0
}

variant blocks "No space left on device" -N 256
variant inodes "No space left on device" -N 64

done_testing
