#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Microseconds per pam_authenticate for pam_awsmfa (1 and 100,000 enrolled
# users), Debian's pam_oath (usersfile with the same users) and
# pam_google_authenticator (secret=DIR/${USER}), in one run, through
# pam_wrapper.  Run as root from a build tree:
#	bench/run.sh [BUILDDIR]	(env: N iterations, ROUNDS, USERS, BENCH_DIR)
# Each figure is the median of ROUNDS (3) runs of N (2000) authentications;
# pam_oath with USERS users, which reads its whole usersfile every time,
# runs N/20.
# The files go in BENCH_DIR, by default /var/tmp: on the file system of
# /var, where the store lives (/tmp may be a tmpfs).  BENCH_DIR=/dev/shm
# leaves out the disk and shows what the modules cost in CPU.
# pam_oath has no lockout, so pam_awsmfa runs with lockout off
# (lockout_seconds = 0), where a refusal writes nothing; the "lockout on"
# row has lockout on, where a refusal saves its failure count (one flush),
# with max_failures high enough that no lock starts during the run.
# "success": every iteration is 30 s later on the modules' clock and sends
# that step's code, so each module accepts a fresh code and saves its
# one-time-use state.  "refused": the code of ten steps later, outside
# every window.  State files are reset before each measurement; the user
# is root, halfway down pam_oath's usersfile.
set -eu

BUILD=$(cd "${1:-.}" && pwd)
N=${N:-2000}
ROUNDS=${ROUNDS:-3}
USERS=${USERS:-100000}
BENCH="$BUILD/bench/bench"
MODULE="$BUILD/pam_module/.libs/pam_awsmfa.so"
SECDIR=/lib/x86_64-linux-gnu/security
B32=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
HEX=$(printf '%s' "$B32" | base32 -d | od -An -tx1 | tr -d ' \n')

for f in "$BENCH" "$MODULE" "$SECDIR/pam_oath.so" \
    "$SECDIR/pam_google_authenticator.so"; do
	[ -e "$f" ] || { echo "bench: missing $f" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }

D=$(mktemp -d "${BENCH_DIR:-/var/tmp}/awsmfa-bench.XXXXXX")
trap 'rm -rf "$D"' EXIT
chmod 0755 "$D"
mkdir -p "$D/pam.d" "$D/seed"

# Seeds, copied into place before every measurement.
"$BENCH" populate "$D/seed/store1" 0 "$B32" root
"$BENCH" populate "$D/seed/storeN" "$USERS" "$B32" root
for r in 10 100; do
	"$BENCH" populate "$D/seed/storeR$r" 0 "$B32" root "$r"
	printf 'store_dir = "%s";\nlockout_seconds = 0;\n' "$D/storeR$r" \
	    >"$D/confR$r"
	echo "auth required $MODULE conf=$D/confR$r" >"$D/pam.d/awsmfa-r$r"
done
rm -f "$D/seed/store1/user"* 2>/dev/null || true
half=$((USERS / 2))
{
	seq -f 'HOTP/T30/6 user%06g - '"$HEX" 0 $((half - 1))
	echo "HOTP/T30/6 root - $HEX"
	seq -f 'HOTP/T30/6 user%06g - '"$HEX" "$half" $((USERS - 1))
} >"$D/seed/oathN"
echo "HOTP/T30/6 root - $HEX" >"$D/seed/oath1"
printf '%s\n" TOTP_AUTH\n" DISALLOW_REUSE\n" WINDOW_SIZE 3\n' "$B32" \
    >"$D/seed/ga-root"

printf 'store_dir = "%s";\nmax_failures = 1000;\n' "$D/store1" >"$D/confL"
echo "auth required $MODULE conf=$D/confL" >"$D/pam.d/awsmfa-l"
for u in 1 N; do
	printf 'store_dir = "%s";\nlockout_seconds = 0;\n' "$D/store$u" \
	    >"$D/conf$u"
	echo "auth required $MODULE conf=$D/conf$u" >"$D/pam.d/awsmfa-$(echo $u | tr N n)"
	echo "auth required $SECDIR/pam_oath.so usersfile=$D/oath$u window=1 digits=6" \
	    >"$D/pam.d/oath-$(echo $u | tr N n)"
done
echo "auth required $SECDIR/pam_google_authenticator.so secret=$D/ga/\${USER} user=root" \
    >"$D/pam.d/google-1"
# libpam always loads the "other" service as its fallback; without one,
# pam_wrapper logs an error to stderr for every pam_start.
echo "auth required pam_deny.so" >"$D/pam.d/other"

cp -a "$D/seed/store1" "$D/seed/storeN" "$D/seed/storeR10" \
    "$D/seed/storeR100" "$D/"
reset_state() {
	rm -rf "$D/ga" "$D/oath1" "$D/oathN"
	for u in 1 N R10 R100; do
		cp -p "$D/seed/store$u/root" "$D/store$u/root.new"
		mv "$D/store$u/root.new" "$D/store$u/root"
	done
	cp "$D/seed/oath1" "$D/seed/oathN" "$D/"
	chmod 0600 "$D/oath1" "$D/oathN"
	mkdir -m 0700 "$D/ga"
	cp "$D/seed/ga-root" "$D/ga/root"
	chmod 0400 "$D/ga/root"
}

# measure SERVICE success|refused|recovery COUNT: the median of ROUNDS runs.
measure() {
	local i
	for i in $(seq "$ROUNDS"); do
		reset_state
		LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
		    PAM_WRAPPER_SERVICE_DIR="$D/pam.d" \
		    "$BENCH" auth "$1" root "$HEX" "$3" "$2" |
		    sed 's/ us\/auth.*//'
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The seeds' writeback would land in the first measurements otherwise; and
# one untimed run warms the caches and the CPU for the first row.
sync
measure awsmfa-1 success "$N" >/dev/null

echo "# median of $ROUNDS runs of $N authentications; store and files on $(df -T "$D" | awk 'NR == 2 { print $2 }'); $(nproc) CPUs"
printf '%-26s %8s %16s %16s\n' module users "success us/auth" "refused us/auth"
# row NAME USERS SERVICE [COUNT [REFUSALS]]
row() {
	local n=${4:-$N}
	printf '%-26s %8s %16s %16s\n' "$1" "$2" "$(measure "$3" success "$n")" \
	    "$(measure "$3" refused "${5:-$n}")"
}
# Service names: libpam lower-cases them.
row pam_awsmfa 1 awsmfa-1
# Below max_failures, or the refusals would measure a locked account.
row "pam_awsmfa, lockout on" 1 awsmfa-l "$N" $((N < 999 ? N : 999))
row pam_awsmfa "$USERS" awsmfa-n
row pam_oath 1 oath-1
row pam_oath "$USERS" oath-n $((N / 20 > 50 ? N / 20 : 50))
row pam_google_authenticator 1 google-1
# A wrong recovery-shaped answer ("wxyz-wxyz-wxyz") for a user with 10 and
# 100 recovery codes, lockout off: the cost of each refusal under the
# user's lock (RN iterations: a PBKDF2 per stored code costs ~1 s here).
RN=${RN:-$((N / 10 > 20 ? N / 10 : 20))}
for r in 10 100; do
	printf '%-26s %8s %16s %16s\n' "pam_awsmfa, $r recovery" 1 - \
	    "$(measure awsmfa-r$r recovery "$RN")"
done
