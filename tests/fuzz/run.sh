#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds every tests/fuzz/fuzz_*.c with libFuzzer + ASan + UBSan and runs
# each for a bounded time.  Prints TAP: one point per target.
# Usage: tests/fuzz/run.sh [BUILD_DIR]   (FUZZ_SECONDS, default 20)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$src/build/fuzz}
secs=${FUZZ_SECONDS:-20}
mkdir -p "$out"

deps=$(pkg-config --cflags --libs libcrypto libconfig libpq libpskc libxml-2.0)
# The core the module and mfa-enroll share; db-init's and migrate's files
# are mfa-enroll's alone (their schema is generated at build time).
core=()
for f in "$src"/lib/*/*.c; do
	# The plugin's entry point needs the files above.
	case ${f##*/} in db_schema.c | db_admin.c | db_migrate.c | pg_plugin.c) continue ;; esac
	core+=("$f")
done
flags=(-g -O1 -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=undefined -D_GNU_SOURCE
    -DSTORE_PLUGIN_PATH='"/nonexistent/store-pgsql.so"')
# lib/'s rooms, one folder each.
for d in "$src"/lib/*/; do flags+=(-I "$d"); done
# The core once, two files at a time (one per core), then each target
# links against it: compiling lib/ for every target cost a minute.
mkdir -p "$out/core"
cflags=$(pkg-config --cflags libcrypto libconfig libpq libpskc libxml-2.0)
i=0
for f in "${core[@]}"; do
	# shellcheck disable=SC2086
	clang "${flags[@]}" $cflags -c "$f" \
	    -o "$out/core/$(basename "$f" .c).o" 2>>"$out/core.build.log" &
	i=$((i + 1))
	[ $((i % 2)) -eq 0 ] && wait
done
wait
objs=()
for f in "${core[@]}"; do objs+=("$out/core/$(basename "$f" .c).o"); done

# build N NAME: the target, or "not ok" with the compiler's words.
build() {
	# shellcheck disable=SC2086
	clang "${flags[@]}" -fsanitize=fuzzer "${objs[@]}" \
	    "$src/tests/fuzz/$2.c" $deps -o "$out/$2" >"$out/$2.build.log" 2>&1
}

# run NAME: one target for FUZZ_SECONDS; its verdict in $out/NAME.tap.
run() {
	local name=$1 n=$2 corpus="$out/corpus-$1" runs
	mkdir -p "$corpus"
	[ -d "$src/tests/fuzz/seeds/$name" ] &&
	    cp -n "$src/tests/fuzz/seeds/$name"/* "$corpus"/ 2>/dev/null
	if "$out/$name" -max_total_time="$secs" -max_len=4096 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name-" \
	    "$corpus" >"$out/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
		echo "ok $n - $name: ${runs:-?} inputs in ${secs}s, no crash"
	else
		echo "not ok $n - $name found a crash (see $out/$name.log)"
		grep -E 'ERROR|SUMMARY|runtime error' "$out/$name.log" | head -5 | sed 's/^/# /'
	fi >"$out/$name.tap"
}

names=()
for t in "$src"/tests/fuzz/fuzz_*.c; do
	[ -e "$t" ] && names+=("$(basename "$t" .c)")
done
# Two targets at a time, one per core; the verdicts print in order.
n=0
for name in "${names[@]}"; do
	n=$((n + 1))
	if ! build "$n" "$name"; then
		{ echo "not ok $n - $name builds"
		  sed 's/^/# /' "$out/$name.build.log" | head -20; } >"$out/$name.tap"
		continue
	fi
	run "$name" "$n" &
	[ $((n % 2)) -eq 0 ] && wait
done
wait
failed=0
for name in "${names[@]}"; do
	cat "$out/$name.tap"
	grep -q '^not ok' "$out/$name.tap" && failed=$((failed + 1))
done
echo "1..${#names[@]}"
[ "$failed" -eq 0 ]
