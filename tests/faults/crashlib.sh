# SPDX-License-Identifier: BSD-2-Clause
# Shared by tests/faults/kill_writers.sh and syscall_fail.sh: a store with one user
# per writer, every writer as a command, its write-path system calls found
# with strace, and the store's logical state to compare before and after.
# shellcheck shell=bash
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

command -v strace >/dev/null || skip_all "strace missing"
DUMP="$AWSMFA_BUILDDIR/tests/faults/dumpstore"
LOGIN="$AWSMFA_BUILDDIR/tests/pam/driver"
INIT="$SANDBOX/init"
# The moment of every writer, frozen (libfaketime without "@"), so that a
# run and its reference write the same times.
T=$T0
HW1=3132333435363738393031323334353637383930
HW2=3132333435363738393031323334353637383931
HW3=3132333435363738393031323334353637383932
SB=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU
SC=MFRGGZDFMZTWQ2LKNNWG23TPOBYHE4TT
SZ=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
# The system calls that change the store, and exit_group for "after the
# last of them".
WRITE_CALLS=openat,flock,fchown,fchmod,pwrite64,write,fsync,fdatasync,close,renameat,renameat2,unlinkat,exit_group

# hcode TIME HEX: a hardware token's code.
hcode() { oathtool --totp -N "@$1" "$2"; }

# env_for TIME: the tracee's environment in ENVS, given to strace with -E
# so that neither the sanitizer runtimes nor libfaketime are loaded into
# strace.
env_for() {
	ENVS=(-E "LD_PRELOAD=$AWSMFA_PRELOAD $FAKETIME_LIB"
	    -E "AWSMFA_PAM_CONFDIR=$SANDBOX/pam.d"
	    -E "FAKETIME=$(date -u -d "@$1" '+%Y-%m-%d %H:%M:%S')"
	    -E "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:allocator_release_to_os_interval_ms=-1")
}

# at TIME command...: runs command at the frozen TIME.
at() {
	local t=$1
	shift
	env_for "$t"
	strace -f -o /dev/null -e trace=none "${ENVS[@]}" "$@"
}

mfa() { at "$T" "$ENROLL" --conf "$CONF" "$@"; }
mfa_at() { local t=$1; shift; at "$t" "$ENROLL" --conf "$CONF" "$@"; }

# login TIME USER ANSWER: one authentication; prints its result, or the
# driver's output when it printed none.
login() {
	local out
	out=$(at "$1" "$LOGIN" -u "$2" "$3" 2>&1)
	case $out in
	*"result: "*)	printf '%s\n' "$out" | sed -n 's/^result: //p' ;;
	*)		printf '%s' "$out" | tr '\n' ' ' | cut -c1-300 ;;
	esac
}

# The store every test starts from:
#   zed    active "phone" (SZ), code of T-30 spent: the bystander;
#   alice  active "phone" (SECRET), code of T-30 spent, one recovery code
#          ($RC); logins accept, refuse and burn the recovery code;
#   bob    pending "tab" (SB): enable of a virtual device;
#   carl   active "phone" (SC): resync;
#   dora   hardware token HW1 and virtual "v": deactivate one, --all;
#   erin   nothing yet: enables HW2 (free) or HW3 (claimed by frank in an
#          enable killed between its two writes);
#   gil    nothing: create;
#   lou    active "phone" (SZ), locked out by five misses: unlock.
make_initial_store() {
	local s=$(( $(step "$T") - 1 )) h
	write_conf "window = 2;"
	service mfa "auth required $MODULE conf=$CONF"
	mkdir -p "$STORE"
	chmod 0700 "$STORE"
	read -r RC h <<<"$("$MKRECORD" recovery)"
	"$MKRECORD" write "$STORE" zed dev=phone "secret=$SZ" "last_step=$s"
	"$MKRECORD" write "$STORE" alice dev=phone "secret=$SECRET" \
	    "last_step=$s" "recovery=$h"
	"$MKRECORD" write "$STORE" bob dev=tab "secret=$SB" status=pending
	"$MKRECORD" write "$STORE" carl dev=phone "secret=$SC" "last_step=$s"
	"$MKRECORD" write "$STORE" lou dev=phone "secret=$SZ" "last_step=$s" \
	    failures=5 locked_until=$((T + 3600))
	printf 'HW1,%s\nHW2,%s\nHW3,%s\n' "$HW1" "$HW2" "$HW3" \
	    >"$SANDBOX/hw.csv"
	mfa import-tokens "$SANDBOX/hw.csv" >/dev/null
	"$MKRECORD" write "$STORE" dora dev=v "secret=$SB" "last_step=$s"
	mfa_at $((T - 3600)) enable dora HW1 "$(hcode $((T - 3630)) $HW1)" \
	    "$(hcode $((T - 3600)) $HW1)" >/dev/null
	# frank's enable of HW3, killed at its second rename (the record).
	writer enable_hw_claimed
	CMD[4]=frank
	CMD[6]=$(hcode $((T - 3630)) $HW3)
	CMD[7]=$(hcode $((T - 3600)) $HW3)
	T=$((T - 3600)) inject renameat signal=KILL 2 >/dev/null
	rm -f "$STORE"/.tmp.*
	rm -rf "$INIT"
	cp -a "$STORE" "$INIT"
}

reset_store() {
	rm -rf "$STORE"
	cp -a "$INIT" "$STORE"
}

# writer NAME: sets CMD to the command of that writer.
writer() {
	local d=("$LOGIN" -u)
	case $1 in
	login_ok)	CMD=("${d[@]}" alice "$(code "$T")") ;;
	login_bad)	CMD=("${d[@]}" alice 000000) ;;
	login_recovery)	CMD=("${d[@]}" alice "$RC") ;;
	create)		CMD=("$ENROLL" --conf "$CONF" create gil --qr none) ;;
	enable_virtual)	CMD=("$ENROLL" --conf "$CONF" enable bob tab
			    "$(code $((T - 30)) "$SB")" "$(code "$T" "$SB")") ;;
	enable_hw)	CMD=("$ENROLL" --conf "$CONF" enable erin HW2
			    "$(hcode $((T - 30)) $HW2)" "$(hcode "$T" $HW2)") ;;
	enable_hw_claimed) CMD=("$ENROLL" --conf "$CONF" enable erin HW3
			    "$(hcode $((T - 30)) $HW3)" "$(hcode "$T" $HW3)") ;;
	resync)		CMD=("$ENROLL" --conf "$CONF" resync carl phone
			    "$(code $((T + 270)) "$SC")"
			    "$(code $((T + 300)) "$SC")") ;;
	deactivate_hw)	CMD=("$ENROLL" --conf "$CONF" deactivate dora HW1) ;;
	deactivate_all)	CMD=("$ENROLL" --conf "$CONF" deactivate dora --all) ;;
	import)		CMD=("$ENROLL" --conf "$CONF" import-tokens
			    "$SANDBOX/new.csv") ;;
	recovery)	CMD=("$ENROLL" --conf "$CONF" recovery-codes alice
			    --count 3) ;;
	unlock)		CMD=("$ENROLL" --conf "$CONF" unlock lou) ;;
	invite)		CMD=("$ENROLL" --conf "$CONF" invite gil) ;;
	*)		return 1 ;;
	esac
}
printf 'HW7,%s\nHW8,%s\n' "$HW1" "$HW2" >"$SANDBOX/new.csv"
WRITERS="login_ok login_bad login_recovery create enable_virtual enable_hw
enable_hw_claimed resync deactivate_hw deactivate_all import recovery unlock
invite"

# state: the store's logical state; a new secret or recovery code is
# random, so only its presence counts.
state() {
	"$DUMP" "$STORE" | sed -e '/^user gil$/,/^end$/s/^secret .*/secret NEW/' \
	    -e 's/^recovery .*/recovery HASH/' \
	    -e 's/^invitation \$.*/invitation HASH/'
}

# inject CALL WHAT N: runs CMD under strace with WHAT (signal=KILL,
# error=EIO) injected into its Nth CALL, the trace in $SANDBOX/trace;
# prints the exit status.  The shell's "Killed" notice is kept quiet.
inject() {
	faketime_sweep
	env_for "$T"
	(
		exec 2>/dev/null
		strace -f -o "$SANDBOX/trace" -e trace="$WRITE_CALLS" \
		    -e inject="$1:$2:when=$3" "${ENVS[@]}" "${CMD[@]}" \
		    >"$SANDBOX/out" 2>"$SANDBOX/err" </dev/null
		echo $?
	)
	shm_tidy
}

# shm_tidy: what libfaketime of a killed tracee left in /dev/shm (it
# removes its semaphore and memory when it exits, not when killed).
shm_tidy() {
	local p
	for p in $(sed -n 's/^\([0-9][0-9]*\) .*/\1/p' "$SANDBOX/trace" |
	    sort -u); do
		rm -f "/dev/shm/faketime_shm_$p" "/dev/shm/sem.faketime_sem_$p"
	done
}

# points NAME: the writer's write-path system calls after it read the
# configuration (for a login, until it prints the result), as "CALL N"
# (its Nth CALL), libfaketime's own files left out; runs it once, for real.
points() {
	writer "$1"
	faketime_sweep
	env_for "$T"
	strace -f -o "$SANDBOX/trace" -e trace=$WRITE_CALLS "${ENVS[@]}" \
	    "${CMD[@]}" >/dev/null 2>&1 </dev/null
	awk -v conf="\"${CONF##*/}\"" '
	    { sub(/^[0-9]+ +/, "") }
	    /^write\(1, "result: / { exit }
	    match($0, /^[a-z0-9_]+\(/) {
		c = substr($0, 1, RLENGTH - 1); n[c]++
		if (started && !index($0, "/dev/shm/")) print c, n[c]
		if (index($0, conf)) started = 1
	    }' "$SANDBOX/trace"
}
