#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs the build dependencies, builds, and shows the main job in a
# sandbox that changes nothing on the system: enrol a user with the real
# mfa-enroll (QR code on the terminal), then log in through the real PAM
# stack (pam_wrapper + pamtester) with password and code.
# On a terminal you scan the QR code with your phone and type the codes;
# without one, the script answers with codes from oathtool by itself.
set -eu
cd "$(dirname "$0")/.." || exit 1
top=$PWD
. scripts/deps.sh

need_root
mkdir -p build/quickstart
log=$top/build/quickstart/step.log
# fail WHAT HINT: says which step failed, its last lines, and what to do.
fail() {
	echo "quickstart: $1 failed; its last lines ($log):" >&2
	tail -n 15 "$log" | sed 's/^/  /' >&2
	echo "quickstart: $2" >&2
	exit 1
}
install_deps $BUILD_DEPS $RUN_DEPS >"$log" 2>&1 ||
    fail "apt-get (installing the build dependencies)" \
    "check the network and the mirrors in /etc/apt/sources.list*, then run it again"

echo "== Building"
autoreconf -fi >"$log" 2>&1 ||
    fail autoreconf "autoconf, automake, libtool and pkg-config must be installed"
(cd build/quickstart && "$top/configure" -q && make -j2) >"$log" 2>&1 ||
    fail "configure and make" "see $log"
module=$top/build/quickstart/pam_module/.libs/pam_awsmfa.so
enroll=$top/build/quickstart/enroll_tool/mfa-enroll

sandbox=$(mktemp -d /tmp/awsmfa-demo.XXXXXX)
trap 'rm -rf "$sandbox"' EXIT
chmod 0755 "$sandbox"
user=demo
password=demo-password
conf=$sandbox/awsmfa.conf
cat >"$conf" <<CONF
store_dir = "$sandbox/store";
issuer = "pam_awsmfa demo";
CONF
chmod 0644 "$conf"
# The password half of the stack: pam_matrix from pam_wrapper checks a
# password file of our own, so no system account is needed or touched.
mkdir -p "$sandbox/pam.d"
echo "$user:$password:demo" >"$sandbox/passdb"
cat >"$sandbox/pam.d/demo" <<PAM
auth required /usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so passdb=$sandbox/passdb
auth required $module conf=$conf
PAM
# libpam reads the "other" service for defaults; without it, it complains.
echo "auth required pam_deny.so" >"$sandbox/pam.d/other"

interactive=0
[ -t 0 ] && [ -t 1 ] && interactive=1

echo
echo "== mfa-enroll create $user (sandbox store $sandbox/store)"
if [ "$interactive" -eq 1 ]; then
	echo "Scan the QR code with an authenticator app, then type two"
	echo "consecutive codes when asked."
	"$enroll" --conf "$conf" create "$user" --device phone
else
	# Captured, so not a terminal: the QR code is asked for when it is
	# shown on one in the end.
	qr=none
	[ -t 1 ] && qr=utf8
	out=$("$enroll" --conf "$conf" create "$user" --device phone --qr $qr)
	echo "$out"
	secret=$(echo "$out" | sed -n 's/^otpauth:.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
	step=$(( $(date +%s) / 30 ))
	c1=$(oathtool --totp -b -N "@$(( (step - 1) * 30 ))" "$secret")
	c2=$(oathtool --totp -b -N "@$(( step * 30 ))" "$secret")
	echo
	echo "== mfa-enroll enable $user phone $c1 $c2   (codes from oathtool)"
	"$enroll" --conf "$conf" enable "$user" phone "$c1" "$c2"
fi
"$enroll" --conf "$conf" list

# A code is accepted once: the login needs the one after the last code
# used, the current step's when typed at the prompts, step's otherwise.
now=$(date +%s)
[ "$interactive" -eq 1 ] && step=$(( now / 30 ))
wait=$(( (step + 1) * 30 - now ))
[ "$wait" -lt 0 ] && wait=0
echo
echo "== Login through PAM: pamtester demo $user authenticate"
if [ "$wait" -gt 0 ]; then
	echo "   (the code used to enable is spent; the next one comes in ${wait}s)"
fi
run_pam() {
	LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$sandbox/pam.d" \
	    pamtester demo "$user" authenticate
}
if [ "$interactive" -eq 1 ]; then
	echo "   Password: $password"
	run_pam
else
	sleep "$wait"
	code=$(oathtool --totp -b -N "@$(( (step + 1) * 30 ))" "$secret")
	echo "   answering: the password, then $code"
	printf '%s\n%s\n' "$password" "$code" | run_pam
fi
echo
echo "Login succeeded with password and code. Nothing outside $sandbox changed;"
echo "it is removed now. See README.md to enable pam_awsmfa for sshd and sudo."
