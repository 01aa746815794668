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

deps=$(pkg-config --cflags --libs libcrypto libconfig libpq)
# The core the module and mfa-enroll share; db-init's and migrate's files
# are mfa-enroll's alone (their schema is generated at build time).
core=()
for f in "$src"/lib/*.c; do
	case ${f##*/} in db_schema.c | db_admin.c | db_migrate.c) continue ;; esac
	core+=("$f")
done
n=0
failed=0
for t in "$src"/tests/fuzz/fuzz_*.c; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .c)
	n=$((n + 1))
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	[ -d "$src/tests/fuzz/seeds/$name" ] &&
	    cp -n "$src/tests/fuzz/seeds/$name"/* "$corpus"/ 2>/dev/null
	# shellcheck disable=SC2086
	if ! clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -D_GNU_SOURCE -I "$src/lib" \
	    "${core[@]}" "$t" $deps -o "$out/$name" >"$out/$name.build.log" 2>&1; then
		echo "not ok $n - $name builds"
		sed 's/^/# /' "$out/$name.build.log" | head -20
		failed=$((failed + 1))
		continue
	fi
	if "$out/$name" -max_total_time="$secs" -max_len=4096 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name-" \
	    "$corpus" \
	    >"$out/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
		echo "ok $n - $name: ${runs:-?} inputs in ${secs}s, no crash"
	else
		echo "not ok $n - $name found a crash (see $out/$name.log)"
		grep -E 'ERROR|SUMMARY|runtime error' "$out/$name.log" | head -5 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
