# SPDX-License-Identifier: BSD-2-Clause
# Shared by tests/pam/*.sh: a store and config in the sandbox, PAM service
# files, codes from oathtool, the driver under pam_wrapper and libfaketime,
# and (optionally) a private /dev/log to read what the module logs.
# shellcheck shell=bash

. "$AWSMFA_SRCDIR/tests/lib.sh"

export TZ=UTC
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
MKRECORD="$AWSMFA_BUILDDIR/tests/pam/mkrecord"
STORE="$SANDBOX/store"
CONF="$SANDBOX/awsmfa.conf"
PAM_MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
PAM_SET_ITEMS=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_set_items.so
PAM_PERMIT=/lib/x86_64-linux-gnu/security/pam_permit.so
PAM_DENY=/lib/x86_64-linux-gnu/security/pam_deny.so
# 2026-01-01 00:00:10 UTC: 10 s into a 30 s step, so a test has 20 s before
# the code changes under libfaketime's running clock.
T0=1767225610
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
SYSLOG=

[ -x "$MODULE" ] || skip_all "module not built"
command -v oathtool >/dev/null || skip_all "oathtool missing"
command -v pamtester >/dev/null || skip_all "pamtester missing"
[ -r "$FAKETIME_LIB" ] || skip_all "libfaketime missing"

mkdir -p "$SANDBOX/pam.d"

# write_conf [libconfig lines...]: the config every service uses.
write_conf() {
	{
		printf 'store_dir = "%s";\n' "$STORE"
		printf '%s\n' "$@"
	} >"$CONF"
	chmod 0644 "$CONF"
}

# service NAME LINE...: a PAM service file for pam_wrapper.
service() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$SANDBOX/pam.d/$name"
}

# code TIME [SECRET [oathtool options...]]: the TOTP code at Unix TIME;
# the options (e.g. --totp=sha256 --digits=8) replace the plain --totp.
code() {
	local t=$1 s=${2:-$SECRET}
	shift 2 2>/dev/null || shift
	[ $# -gt 0 ] || set -- --totp
	oathtool "$@" -b "$s" -N "@$t"
}

# ft TIME: a libfaketime absolute start time.
ft() {
	date -u -d "@$1" '+@%Y-%m-%d %H:%M:%S'
}

# auth TIME driver-args...: one driver run at TIME; prints its output.
auth() {
	local t=$1
	shift
	pam_run "$(ft "$t")" -- "$DRIVER" "$@" 2>&1
}

# result OUTPUT: the last "result:" of a driver run.
result() {
	printf '%s\n' "$1" | sed -n 's/^result: //p' | tail -n 1
}

# enroll USER [keys...]: a fresh record with one active device "phone".
enroll() {
	local user=$1
	shift
	"$MKRECORD" write "$STORE" "$user" dev=phone "secret=$SECRET" "$@"
}

show() {
	"$MKRECORD" show "$STORE" "$1"
}

# step TIME: the 30 s step of TIME.
step() {
	echo $(($1 / 30))
}

PAM_GET_ITEMS=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_get_items.so
PAM_UNIX=/lib/x86_64-linux-gnu/security/pam_unix.so

# syslog_setup: inside the private mount namespace the test re-executed
# itself into (see syslog_reexec), /dev gets an overlay so that /dev/log
# can be our own socket; the machine's logging is never touched.
syslog_setup() {
	[ "${AWSMFA_PRIVATE_NS:-}" = 1 ] || return 0
	mkdir -p "$SANDBOX/ov"
	mount -t tmpfs none "$SANDBOX/ov" || return 0
	mkdir "$SANDBOX/ov/upper" "$SANDBOX/ov/work"
	if ! mount -t overlay overlay -o "lowerdir=/dev,upperdir=$SANDBOX/ov/upper,workdir=$SANDBOX/ov/work" /dev; then
		umount "$SANDBOX/ov"
		return 0
	fi
	at_exit "umount -l /dev; umount -l '$SANDBOX/ov'"
	rm -f /dev/log
	python3 "$AWSMFA_SRCDIR/tests/pam/syslog_listen.py" /dev/log \
	    "$SANDBOX/syslog" &
	_listener=$!
	at_exit "kill $_listener; wait $_listener 2>/dev/null"
	local i
	for i in $(seq 50); do
		[ -S /dev/log ] && [ -s "$SANDBOX/syslog" ] && break
		sleep 0.1
	done
	[ -S /dev/log ] || return 0
	SYSLOG="$SANDBOX/syslog"
	# pam_wrapper sends pam_syslog to stderr unless told otherwise.
	export PAM_WRAPPER_USE_SYSLOG=1
}

# syslog_sync: waits until every line logged so far is in $SYSLOG.
syslog_sync() {
	local mark="awsmfa-sync-$RANDOM$RANDOM" i
	[ -n "$SYSLOG" ] || return 0
	logger -u /dev/log "$mark" 2>/dev/null
	for i in $(seq 50); do
		grep -q "$mark" "$SYSLOG" && return 0
		sleep 0.1
	done
	return 1
}

# syslog_mark: remembers where the log stands; syslog_new prints the
# module's lines logged since.
syslog_mark() {
	syslog_sync
	_syslog_from=$(wc -l <"${SYSLOG:-/dev/null}")
}

syslog_new() {
	syslog_sync
	[ -n "$SYSLOG" ] || return 0
	tail -n +$((_syslog_from + 1)) "$SYSLOG" | grep 'pam_awsmfa('
}
