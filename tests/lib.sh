# SPDX-License-Identifier: BSD-2-Clause
# Shared by the shell tests: TAP output, a private sandbox, and the way to
# run a program against the real libpam through pam_wrapper.
# shellcheck shell=bash

: "${AWSMFA_SRCDIR:?run through make check or scripts/check.sh}"
: "${AWSMFA_BUILDDIR:?run through make check or scripts/check.sh}"

MODULE="$AWSMFA_BUILDDIR/tests/intree/.libs/pam_awsmfa.so"
ENROLL="$AWSMFA_BUILDDIR/tests/intree/mfa-enroll"
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
# scripts/check.sh sets AWSMFA_PRELOAD to the sanitizer runtimes when the
# module was built with them, since the programs that load it were not.
AWSMFA_PRELOAD="${AWSMFA_PRELOAD:-}"

_tap_n=0
_tap_failed=0

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

# check "description" command...: one test point from a command's status.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# is "description" expected actual
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: '$2'"
		echo "#   got:      '$3'"
	fi
}

diag() { echo "# $*"; }

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# A temporary folder removed on exit, whatever happens.
SANDBOX=$(mktemp -d /tmp/awsmfa-test.XXXXXX)
chmod 0755 "$SANDBOX"
_cleanups=()
at_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local c
	for c in "${_cleanups[@]}"; do eval "$c" || true; done
	rm -rf "$SANDBOX"
}
trap _run_cleanups EXIT

# pam_wrapper gives each process one of a few dozen folders /tmp/pam.X and
# removes it at a normal exit; a process killed (fault tests, sshd's
# children) leaves it behind, and once all are taken pam_wrapper cannot
# start.  A folder whose pid file names a process that is gone is garbage.
pwrap_sweep() {
	local d pid
	for d in /tmp/pam.?; do
		[ -d "$d" ] && [ ! -L "$d" ] || continue
		pid=$(cat "$d/pid" 2>/dev/null)
		case $pid in
		'' | *[!0-9]*)
			# A process killed between pam_wrapper's mkdir and its
			# pid leaves no pid for ever; one still starting writes
			# it within moments.  Of the 62 names, such folders
			# used up 59 on a machine that ran the suite all day.
			[ -n "$(find "$d" -maxdepth 0 -mmin +1)" ] && rm -rf "$d"
			continue ;;
		esac
		kill -0 "$pid" 2>/dev/null || rm -rf "$d"
	done
}
pwrap_sweep

# libfaketime makes a semaphore and a shared memory file per process in
# /dev/shm, named after its pid, and removes them at a normal exit only.
# Left behind by killed processes, one found again under a reused pid is
# opened instead of made, with other system calls: the fault tests, which
# count them, then miss.  Those of processes that are gone are garbage.
faketime_sweep() {
	local f pid
	for f in /dev/shm/faketime_shm_* /dev/shm/sem.faketime_sem_*; do
		[ -e "$f" ] || continue
		pid=${f##*_}
		case $pid in '' | *[!0-9]*) continue ;; esac
		kill -0 "$pid" 2>/dev/null || rm -f "$f"
	done
}
faketime_sweep

# pam_run [FAKETIME] -- command...: runs with pam_wrapper (and libfaketime
# when FAKETIME is not empty) preloaded, services read from $SANDBOX/pam.d.
# The test driver reads them there itself (pam_start_confdir) and runs
# without pam_wrapper, whose one shared /tmp/pam.X per process lets tests
# running side by side read each other's services.
pam_run() {
	local ft=$1 a wrap=1 confdir=
	shift
	[ "$1" = "--" ] && shift
	for a in "$@"; do
		[ "$a" = "$AWSMFA_BUILDDIR/tests/pam/driver" ] &&
		    wrap= confdir=$SANDBOX/pam.d
	done
	# mfa-enroll is no PAM application: pam_wrapper would only add its
	# start-up scan of /tmp/pam.X, whose race with a neighbour test's
	# new folder prints PWRAP_ERROR into the output a test compares.
	case ${1##*/} in mfa-enroll) wrap= ;; esac
	local preload="$AWSMFA_PRELOAD${wrap:+ libpam_wrapper.so}"
	[ -n "$ft" ] && preload="$preload $FAKETIME_LIB"
	LD_PRELOAD="$preload" PAM_WRAPPER=$wrap \
	    PAM_WRAPPER_SERVICE_DIR="$SANDBOX/pam.d" \
	    AWSMFA_PAM_CONFDIR="$confdir" \
	    FAKETIME="$ft" FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:allocator_release_to_os_interval_ms=-1" \
	    "$@"
}

# private_etc: in a test's own mount namespace (AWSMFA_PRIVATE_NS=1), a
# copy of /etc in the sandbox mounted over /etc; the test then edits
# $SANDBOX/etc/FILE as it likes.  Not a bind mount of the one file: a
# useradd or userdel elsewhere on the machine (another test, run beside
# this one by make -j2) renames over /etc/shadow or /etc/group, and the
# kernel then detaches a file mounted there in every other namespace, so
# the test would go on against the machine's own file.
private_etc() {
	cp -a /etc "$SANDBOX/etc" 2>/dev/null || return 1
	mount --bind "$SANDBOX/etc" /etc
}
