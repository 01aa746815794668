#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# make install onto the live system, pam-auth-update --enable awsmfa, then
# make uninstall: the profile is switched off before the module goes, so
# common-auth never names a missing module.  Run by scripts/check.sh
# through overlay.sh (a throwaway overlay of /), never on the machine.
# usage: overlay.sh uninstall_live.sh SRCDIR BUILDDIR
AWSMFA_SRCDIR=$1 AWSMFA_BUILDDIR=$2
. "$AWSMFA_SRCDIR/tests/lib.sh"
grep -q pam_awsmfa /etc/pam.d/common-auth &&
    skip_all "pam_awsmfa is already in this machine's common-auth"
unset MAKEFLAGS MFLAGS MAKELEVEL
# The folders of a distribution package, whatever configure was given.
mk() {
	make -s -C "$AWSMFA_BUILDDIR" prefix=/usr exec_prefix=/usr \
	    sysconfdir=/etc localstatedir=/var "$@" >>"$SANDBOX/make.log" 2>&1
}
so=$(make -s -C "$AWSMFA_BUILDDIR" -f Makefile -f - print-so <<'MK'
print-so:
	@echo '$(securedir)/pam_awsmfa.so'
MK
)
so=${so##*$'\n'}
check "make install" mk install
check "the module is installed" test -f "$so"
check "pam-auth-update --enable awsmfa" \
    pam-auth-update --enable awsmfa
check "common-auth uses the module" grep -q pam_awsmfa /etc/pam.d/common-auth
check "make uninstall succeeds" mk uninstall
check "the module is gone" test ! -e "$so"
check "common-auth no longer names it" \
    bash -c '! grep -q pam_awsmfa /etc/pam.d/common-auth'
check "the profile is gone" test ! -e /usr/share/pam-configs/awsmfa
# A login through common-auth still succeeds with the right password
# (a user of the overlay only), not "Module is unknown".
useradd -M awsmfa-uninstall
echo 'awsmfa-uninstall:Right-Password-1' | chpasswd
printf 'auth include common-auth\n' >/etc/pam.d/awsmfa-uninstall
out=$(echo Right-Password-1 | pamtester awsmfa-uninstall awsmfa-uninstall \
    authenticate 2>&1)
is "a login through common-auth still succeeds" 0 $?
[ -n "$out" ] && diag "$out"
[ "$_tap_failed" -eq 0 ] || sed 's/^/# /' "$SANDBOX/make.log"
done_testing
