#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# import-tokens reads all of its input or imports nothing: from a file or
# from standard input (-), a read error, an input cut short in its last
# line and a NUL byte each fail with one line and leave the inventory as
# it was.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

HEX=3132333435363738393031323334353637383930
printf 'OLD-1,%s\n' "$HEX" | mfa import-tokens - >/dev/null
is "tokens come from standard input with -" 0 $?
inv=$(sha256sum <"$STORE/.inventory")
unchanged() { [ "$inv" = "$(sha256sum <"$STORE/.inventory")" ]; }

# fails "what" EXPECTED_STDERR command...: exit 1, that one line, nothing
# imported.
fails() {
	local what=$1 want=$2 err
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	is "$what: exit 1" 1 $?
	is "$what: one line" "$want" "$err"
	check "$what: the inventory is unchanged" unchanged
}

imp() { mfa import-tokens "$@"; }
fails "standard input is a directory" \
    "mfa-enroll: standard input: read: Is a directory; nothing imported" \
    eval 'imp - <"$SANDBOX"'
fails "a directory as FILE" \
    "mfa-enroll: $SANDBOX: not a regular file (use - for standard input)" \
    imp "$SANDBOX"

# 40 hex digits cut to 32 are still a valid 16-byte seed: only the missing
# newline shows that the input stopped early.
printf 'NEW-1,%s\nNEW-2,%s' "$HEX" "${HEX:0:32}" >"$SANDBOX/cut.csv"
fails "a last line without its newline" \
    "mfa-enroll: $SANDBOX/cut.csv:2: no newline at the end of the last line: the input may be cut short
mfa-enroll: $SANDBOX/cut.csv: 1 bad line; nothing imported" \
    imp "$SANDBOX/cut.csv"
printf 'NEW-1,%s\n# the end' "$HEX" | imp - >/dev/null
is "a last comment line needs no newline" 0 $?
inv=$(sha256sum <"$STORE/.inventory")
printf 'NEW-3,%s\0junk\n' "$HEX" >"$SANDBOX/nul.csv"
fails "a NUL byte" "mfa-enroll: $SANDBOX/nul.csv:1: NUL byte in line
mfa-enroll: $SANDBOX/nul.csv: 1 bad line; nothing imported" \
    imp "$SANDBOX/nul.csv"

# A read error after part of the input was read: strace fails the reads
# of the CSV in turn, the first and a later one, from a file and a pipe.
if ! command -v strace >/dev/null || [ -n "$AWSMFA_PRELOAD" ]; then
	diag "strace missing or under the sanitizers: no read errors"
	done_testing
	exit
fi
for i in $(seq 1 3000); do printf 'BIG-%d,%s\n' "$i" "$HEX"; done \
    >"$SANDBOX/big.csv"
# reads_before FILE: how many read calls come before the first of FILE
# (a real import, undone afterwards).
reads_before() {
	cp -p "$STORE/.inventory" "$SANDBOX/inventory.saved"
	strace -f -o "$SANDBOX/trace" -e trace=openat,read "$ENROLL" \
	    --conf "$CONF" import-tokens "$1" </dev/null >/dev/null 2>&1
	awk -v f="\"$1\"" '
	    /openat\(/ && index($0, f) { fd = $NF; next }
	    /read\(/ { n++; if (fd != "" && index($0, "read(" fd ",")) { print n - 1; exit } }' \
	    "$SANDBOX/trace"
	cp -p "$SANDBOX/inventory.saved" "$STORE/.inventory"
}
n=$(reads_before "$SANDBOX/big.csv")
check "the reads of the CSV are found" test -n "$n"
for k in 1 2; do
	fails "a read error at read $k of a file" \
	    "mfa-enroll: $SANDBOX/big.csv: read: Input/output error; nothing imported" \
	    strace -f -o /dev/null -e trace=read \
	    -e inject=read:error=EIO:when=$((n + k)) \
	    "$ENROLL" --conf "$CONF" import-tokens "$SANDBOX/big.csv"
done
# From a pipe the reads are short: fail the third, after two good ones.
n=$(strace -f -o "$SANDBOX/trace" -e trace=read "$ENROLL" --conf "$CONF" \
    import-tokens - </dev/null >/dev/null 2>&1;
    grep -n 'read(0,' "$SANDBOX/trace" | head -n 1 | cut -d: -f1)
n=$((n - 1))
fails "a read error on a pipe after part of the input" \
    "mfa-enroll: standard input: read: Input/output error; nothing imported" \
    eval 'cat "$SANDBOX/big.csv" | strace -f -o /dev/null -e trace=read \
	-e inject=read:error=EIO:when=$((n + 2)) \
	"$ENROLL" --conf "$CONF" import-tokens -'
done_testing
