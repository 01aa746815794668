#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# What a login pays as sshd and sudo run PAM: a fresh process per sample
# (bench/login, linked with libpam only), with and without sshd's
# libraries already mapped.  Run as root from a build tree:
#	bench/login.sh [BUILDDIR [OTHER_MODULE]]	(env: N, BENCH_DIR)
# Prints the median of N (101) samples, in microseconds:
#  - load: dlopen(MODULE, RTLD_NOW) alone;
#  - login: pam_start_confdir + pam_authenticate + pam_end with a fresh
#    right code (each sample a later 30 s step on the modules' clock), for
#    pam_awsmfa on the file store with 1, 1000 and 100,000 users, pam_oath
#    (1 and 1000 users in its usersfile) and pam_google_authenticator;
#  - the floor: the same two rows for pam_permit.so, which does nothing:
#    what libpam, the harness and mapping any one module cost, which no
#    module gets under.
# OTHER_MODULE (e.g. another build's pam_awsmfa.so) gets the same rows,
# in the same run, for a before/after table.  The column "sshd, crypto
# ready" has libcrypto also initialised (config read, one digest), as
# sshd's key exchange leaves it before PAM runs: OpenSSL 3's first use in
# a process costs most of a millisecond, which a module using OpenSSL pays
# in a bare process (sudo) but not in sshd.
set -eu

BUILD=$(cd "${1:-.}" && pwd)
OTHER=${2:-}
N=${N:-101}
LOGIN="$BUILD/bench/login"
BENCH="$BUILD/bench/bench"
MODULE="$BUILD/pam_module/.libs/pam_awsmfa.so"
SECDIR=/lib/x86_64-linux-gnu/security
OATH=$SECDIR/pam_oath.so
GA=$SECDIR/pam_google_authenticator.so
PERMIT=$SECDIR/pam_permit.so
B32=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
HEX=$(printf '%s' "$B32" | base32 -d | od -An -tx1 | tr -d ' \n')
T0=1767225600

for f in "$LOGIN" "$BENCH" "$MODULE" "$OATH" "$GA" "$PERMIT" ${OTHER:+"$OTHER"}; do
	[ -e "$f" ] || { echo "login.sh: missing $f" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "login.sh: run as root" >&2; exit 1; }
command -v oathtool >/dev/null || { echo "login.sh: needs oathtool" >&2; exit 1; }

D=$(mktemp -d "${BENCH_DIR:-/var/tmp}/awsmfa-login.XXXXXX")
trap 'rm -rf "$D"' EXIT
chmod 0755 "$D"
mkdir -p "$D/pam.d" "$D/seed"
ldd /usr/sbin/sshd | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' \
    >"$D/sshd-libs"
# The codes of N + 1 consecutive steps from T0 on.
oathtool --totp -b "$B32" -N "@$T0" -w "$N" >"$D/codes"

for u in 1 1000 100000; do
	"$BENCH" populate "$D/seed/store$u" $((u - 1)) "$B32" root >/dev/null
done
for u in 1 1000; do
	{
		seq -f 'HOTP/T30/6 user%06g - '"$HEX" 0 $((u - 2)) 2>/dev/null
		echo "HOTP/T30/6 root - $HEX"
	} >"$D/seed/oath$u"
done
printf '%s\n" TOTP_AUTH\n" DISALLOW_REUSE\n" WINDOW_SIZE 3\n' "$B32" \
    >"$D/seed/ga-root"
echo "auth required pam_deny.so" >"$D/pam.d/other"
# service NAME MODULE ARGS...
service() {
	local n=$1
	shift
	echo "auth required $*" >"$D/pam.d/$n"
}
for u in 1 1000 100000; do
	printf 'store_dir = "%s";\nlockout_seconds = 0;\n' "$D/store$u" \
	    >"$D/conf$u"
	service "awsmfa-$u" "$MODULE" "conf=$D/conf$u"
	[ -z "$OTHER" ] || service "other-$u" "$OTHER" "conf=$D/conf$u"
done
for u in 1 1000; do
	service "oath-$u" "$OATH" "usersfile=$D/oath$u" window=1 digits=6
done
service google "$GA" "secret=$D/ga/\${USER}" user=root
service permit "$PERMIT"

cp -a "$D"/seed/store* "$D/"
# Only root's record changes: put its seed back (a whole store copy of
# 100,000 files would take longer than the run).
reset_state() {
	local u
	rm -rf "$D/ga" "$D"/oath*
	for u in 1 1000 100000; do
		cp -p "$D/seed/store$u/root" "$D/store$u/root.new"
		mv "$D/store$u/root.new" "$D/store$u/root"
	done
	cp "$D/seed/oath1" "$D/seed/oath1000" "$D/"
	chmod 0600 "$D"/oath*
	mkdir -m 0700 "$D/ga"
	cp "$D/seed/ga-root" "$D/ga/root"
	chmod 0400 "$D/ga/root"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# pre sshd|ready|bare: the options of bench/login for that column.
pre() {
	case $1 in
	sshd) echo "-l $D/sshd-libs" ;;
	ready) echo "-l $D/sshd-libs -i" ;;
	esac
}

# load MODULE sshd|ready|bare
load() {
	local i pre
	read -r -a pre <<<"$(pre "$2")"
	for i in $(seq "$N"); do "$LOGIN" "${pre[@]}" load "$1"; done | median
}

# login SERVICE sshd|ready|bare: a right code each time; a refusal is an
# error.
login() {
	local i pre out
	read -r -a pre <<<"$(pre "$2")"
	reset_state
	for i in $(seq "$N"); do
		out=$("$LOGIN" "${pre[@]}" auth "$D/pam.d" "$1" root \
		    "$(sed -n "${i}p" "$D/codes")" $((T0 + 30 * (i - 1) + 10)))
		case $out in *" ok") echo "${out% ok}" ;;
		*) echo "login.sh: $1 sample $i: $out" >&2; exit 1 ;; esac
	done | median
}

sync
load "$MODULE" bare >/dev/null
echo "# median of $N fresh processes, microseconds; $(nproc) CPUs; $(df -T "$D" | awk 'NR == 2 { print $2 }')"
printf '%-40s %12s %12s %12s\n' "" "sshd's libs" "crypto ready" "bare"
row_load() {
	printf '%-40s %12s %12s %12s\n' "load: $1" "$(load "$2" sshd)" \
	    "$(load "$2" ready)" "$(load "$2" bare)"
}
row_login() {
	printf '%-40s %12s %12s %12s\n' "login: $1" "$(login "$2" sshd)" \
	    "$(login "$2" ready)" "$(login "$2" bare)"
}
[ -z "$OTHER" ] || { echo "# other: $OTHER"; row_load "pam_awsmfa.so (other)" "$OTHER"; }
row_load "pam_permit.so (floor)" "$PERMIT"
row_load pam_awsmfa.so "$MODULE"
row_load pam_oath.so "$OATH"
row_load pam_google_authenticator.so "$GA"
row_login "pam_permit (floor)" permit
for u in 1 1000 100000; do
	[ -z "$OTHER" ] || row_login "pam_awsmfa (other), $u users" "other-$u"
	row_login "pam_awsmfa, $u users" "awsmfa-$u"
done
row_login "pam_oath, 1 user" oath-1
row_login "pam_oath, 1000 users" oath-1000
row_login "pam_google_authenticator" google
