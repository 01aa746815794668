#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Each write-path system call of every writer made to fail once, in turn
# (strace: the Nth CALL returns EIO instead of running): a login never
# returns PAM_SUCCESS unless its new state was written and flushed, and the
# same code is then refused; mfa-enroll exits 0 only with its new state
# flushed, and otherwise exits non-zero with one line on stderr; the store
# is always the old or the new state and `check` exits 0.
. "$AWSMFA_SRCDIR/tests/faults/crashlib.sh"

FAILABLE=openat,flock,fchown,fchmod,pwrite64,write,fsync,fdatasync,renameat,renameat2,unlinkat
make_initial_store

# durable: in $SANDBOX/trace, up to the driver's result, each change to
# the store (a rename, an in-place write into a record, the removal of a
# file: calls relative to the store's descriptor, not to a temp file's) is
# followed by a flush that succeeded before the next change.  The one
# exception is freeing a token in the inventory after a record changed:
# deactivate's tidying, which nothing depends on (lib/store_token.c).
durable() {
	awk '
	    function change(kind) {
		if (pending) bad = 1
		pending = 1; n++
		tidy = kind == "inv" && rec
		if (kind == "rec") rec = 1
	    }
	    { sub(/^[0-9]+ +/, "") }
	    /^write\(1, "result: / { exit }
	    /^openat\(.*"\.tmp\..*= [0-9]+$/ { tmp[$NF] = 1 }
	    /^close\(/ { split($0, a, /[(),]/); delete tmp[a[2]] }
	    /^renameat2?\([0-9].*= 0$/ { change(/"\.inventory"/ ? "inv" : "rec") }
	    /^unlinkat\([0-9].*= 0$/ && !/"\.tmp\./ {
		change(/"\.inventory"/ ? "inv" : "rec")
	    }
	    /^pwrite64\(.*= [0-9]+$/ {
		split($0, a, /[(),]/); if (!(a[2] in tmp)) change("rec")
	    }
	    /^f(data)?sync\(.*= 0$/ { pending = 0 }
	    END { exit !(n > 0 && !bad && (!pending || tidy)) }' "$SANDBOX/trace"
}

: >"$SANDBOX/points"
for w in $WRITERS; do
	reset_store
	state >"$SANDBOX/old.$w"
	points "$w" | awk -v w="$w" -v set=",$FAILABLE," \
	    'index(set, "," $1 ",") { print w, $0 }' >>"$SANDBOX/points"
	state >"$SANDBOX/new.$w"
done

MIN=180
# Under the sanitizers every run costs twice as much; the gcc suite covers
# every call, this one (and distcheck's second run, AWSMFA_FAULT_SAMPLE) a
# seeded sample of them.
if [ -n "$AWSMFA_PRELOAD" ] || [ -n "${AWSMFA_FAULT_SAMPLE:-}" ]; then
	shuf -n "${AWSMFA_FAULT_SAMPLE:-60}" \
	    --random-source=<(yes "${AWSMFA_FAULT_SEED:-10}") \
	    "$SANDBOX/points" >"$SANDBOX/sample"
	mv "$SANDBOX/sample" "$SANDBOX/points"
	MIN=40
	diag "a sample of ${AWSMFA_FAULT_SAMPLE:-60} calls"
fi
runs=0 fails=0 ok0=0 old=0 new=0
while read -r w call k; do
	CASE="$w, $call #$k fails"
	reset_store
	writer "$w"
	rc=$(inject "$call" error=EIO "$k")
	runs=$((runs + 1))
	bad=0
	state >"$SANDBOX/now" 2>&1
	if cmp -s "$SANDBOX/now" "$SANDBOX/old.$w"; then
		s=old
	elif cmp -s "$SANDBOX/now" "$SANDBOX/new.$w"; then
		s=new
	else
		s=neither
		diag "$CASE: the store is neither old nor new"
		bad=1
	fi
	[ $s = old ] && old=$((old + 1))
	[ $s = new ] && new=$((new + 1))
	if [ "${CMD[0]}" = "$LOGIN" ]; then
		r=$(sed -n 's/^result: //p' "$SANDBOX/out")
		if [ "$r" = PAM_SUCCESS ]; then
			ok0=$((ok0 + 1))
			durable || { diag "$CASE: PAM_SUCCESS, not flushed"; bad=1; }
			[ $s = new ] || { diag "$CASE: PAM_SUCCESS, state $s"; bad=1; }
			again=$(login "$T" alice "${CMD[3]}")
			[ "$again" != PAM_SUCCESS ] ||
			    { diag "$CASE: the code was accepted twice"; bad=1; }
		fi
	elif [ "$rc" = 0 ]; then
		ok0=$((ok0 + 1))
		durable || { diag "$CASE: exit 0, not flushed"; bad=1; }
		[ $s = new ] || { diag "$CASE: exit 0, state $s"; bad=1; }
	else
		# A warning (a user NSS does not know) is not the failure's
		# line: one error line, whatever was said before it.
		n=$(grep -vc '^mfa-enroll: warning: ' "$SANDBOX/err")
		if [ "$n" != 1 ] || ! grep -q '^mfa-enroll: ' "$SANDBOX/err"; then
			diag "$CASE: exit $rc with $n lines on stderr:"
			sed 's/^/#   /' "$SANDBOX/err"
			bad=1
		fi
	fi
	out=$(at "$T" "$ENROLL" --conf "$CONF" check 2>&1) ||
	    { diag "$CASE: check: $out"; bad=1; }
	[ $bad -eq 0 ] || fails=$((fails + 1))
done <"$SANDBOX/points"

diag "runs $runs: $ok0 succeeded anyway (flushed), $old old, $new new"
check "every write-path call of every writer failed once" \
    test "$runs" -ge "$MIN"
is "no success without the state flushed, one line per failure, old or new" \
    0 "$fails"
echo "# counts: runs=$runs succeeded=$ok0 old=$old new=$new"
done_testing
