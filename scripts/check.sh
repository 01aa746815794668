#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what the tests need, builds, and runs every test: the suite with
# gcc, again with AddressSanitizer + UndefinedBehaviorSanitizer, a clang
# build, cppcheck, the fuzzers for a bounded time, make distcheck, and the
# Debian package, also built from its Build-Depends alone.
# The last line is "N passed, N failed[, N skipped]", counted from results.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
. scripts/deps.sh

need_root
# The QR tests read UTF-8 half blocks; C.UTF-8 is in libc-bin everywhere.
export LC_ALL=C.UTF-8
build=$top/build
logs=$build/logs
mkdir -p "$logs"
passed=0
failed=0
skipped=0

# stage NAME COMMAND...: one result for a step that is pass or fail.
stage() {
	local name=$1 log="$logs/$1.log" t0=$SECONDS
	shift
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS: $name ($((SECONDS - t0))s)"
	else
		failed=$((failed + 1))
		echo "FAIL: $name ($((SECONDS - t0))s), last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
}

# Adds the test points automake's TAP driver recorded under dir.
count_results() {
	local dir=$1 p f s
	p=$(find "$dir" -name '*.trs' -exec grep -h '^:test-result: PASS' {} + | wc -l)
	s=$(find "$dir" -name '*.trs' -exec grep -h '^:test-result: SKIP' {} + | wc -l)
	f=$(find "$dir" -name '*.trs' -exec grep -hE '^:test-result: (FAIL|XPASS|ERROR)' {} + | wc -l)
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "     $dir: $p passed, $f failed, $s skipped"
	find "$dir" -name '*.trs' -exec grep -lE '^:test-result: (FAIL|XPASS|ERROR)' {} + |
	    while read -r trs; do
		echo "     failed in ${trs%.trs}.log:"
		grep -E '^(not ok|# )|ERROR' "${trs%.trs}.log" | head -n 15 | sed 's/^/       /'
	    done
}

# suite NAME BUILD_DIR [VAR=VALUE...]: make check; results counted per test.
suite() {
	local name=$1 dir=$2 t0=$SECONDS
	shift 2
	find "$dir" -name '*.trs' -delete 2>/dev/null
	env "$@" make -C "$dir" -k -j2 check >"$logs/$name.log" 2>&1
	echo "SUITE: $name ($((SECONDS - t0))s)"
	count_results "$dir"
	if ! find "$dir" -name '*.trs' | grep -q .; then
		failed=$((failed + 1))
		echo "FAIL: $name ran no test; last lines of $logs/$name.log:"
		tail -n 25 "$logs/$name.log" | sed 's/^/    /'
	fi
}

configure_in() (
	dir=$1
	shift
	mkdir -p "$dir" && cd "$dir" &&
	    "$top/configure" -q --enable-werror "$@" && make -j2
)

fuzz() {
	local log="$logs/fuzz.log" t0=$SECONDS p f
	FUZZ_SECONDS=${FUZZ_SECONDS:-10} tests/fuzz/run.sh "$build/fuzz" >"$log" 2>&1
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	echo "FUZZ: $p passed, $f failed ($((SECONDS - t0))s)"
	grep -E '^(ok|not ok|#)' "$log" | sed 's/^/     /'
}

# overlay_test NAME SCRIPT ARGS...: a TAP test that installs onto the
# system, run in a throwaway overlay of / (tests/e2e/overlay.sh).
overlay_test() {
	local name=$1 log="$logs/$1.log" t0=$SECONDS p f s rc
	shift
	tests/e2e/overlay.sh "$top/tests/e2e/$1" "${@:2}" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok' "$log")
	s=$(grep -c '^1\.\.0 # SKIP' "$log")
	[ $rc -ne 0 ] || [ $((p + s)) -eq 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	echo "OVERLAY: $name: $p passed, $f failed, $s skipped ($((SECONDS - t0))s)"
	grep -E '^(not ok|1\.\.0 # SKIP)' "$log" | sed 's/^/     /'
}

# lib/'s rooms, as Makefile.am's LIB_ROOMS: one -I each.
lib_includes=$(printf -- '-I lib/%s ' util codes record pskc config policy self filestore backend pg)

cppcheck_all() {
	cppcheck --enable=warning,portability,performance --error-exitcode=1 \
	    --inline-suppr -q -D_GNU_SOURCE -DSTORE_PLUGIN_PATH='"0"' $lib_includes \
	    --suppress=missingIncludeSystem \
	    lib pam_module enroll_tool self_helper
}

# clang-tidy with the checks in .clang-tidy (each one left out says why);
# any finding fails.  Two files at a time, one per core.
clang_tidy_all() {
	local flags
	flags="-std=gnu11 -D_GNU_SOURCE -DPACKAGE_VERSION=\\\"0\\\" -DSTORE_PLUGIN_PATH=\\\"0\\\" $lib_includes $(pkg-config --cflags \
	    libconfig libcrypto libqrencode libpng libpq libpskc libxml-2.0)"
	# shellcheck disable=SC2016 # $0 is the file, inside sh -c
	printf '%s\n' lib/*/*.c pam_module/*.c enroll_tool/*.c self_helper/*.c |
	    xargs -P 2 -n 1 sh -c 'clang-tidy --quiet "$0" -- '"$flags"
}

# The package built where only Build-Depends are installed: slow (a
# build of its own, a debootstrap the first time), so it runs beside the
# other stages from the start, at low priority, and is collected at the end.
clean_build_start() {
	nice -n 10 tests/e2e/clean_build.sh "$top" >"$logs/clean-build.log" 2>&1 &
	clean_build_pid=$!
	clean_build_t0=$SECONDS
}

clean_build_collect() {
	local log="$logs/clean-build.log" p f s rc
	wait "$clean_build_pid"
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok' "$log")
	s=$(grep -c '^1\.\.0 # SKIP' "$log")
	[ $rc -ne 0 ] || [ $((p + s)) -eq 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	echo "CLEAN-BUILD: $p passed, $f failed, $s skipped" \
	    "($((SECONDS - clean_build_t0))s, beside the others)"
	grep -E '^(not ok|1\.\.0 # SKIP|# )' "$log" | tail -n 30 | sed 's/^/     /'
}

t_start=$SECONDS
if ! install_deps $BUILD_DEPS $RUN_DEPS $TEST_DEPS; then
	echo "apt-get could not install the test dependencies"
	echo "0 passed, 1 failed"
	exit 1
fi
clean_build_start
stage autoreconf autoreconf -fi
stage build-gcc configure_in "$build/gcc" CC=gcc
stage build-clang configure_in "$build/clang" CC=clang
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
stage build-asan configure_in "$build/asan" CC=gcc CFLAGS="-g -O1 $san" LDFLAGS="$san"
stage cppcheck cppcheck_all
stage clang-tidy clang_tidy_all

suite tests-gcc "$build/gcc"
preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
# libfaketime's clock_gettime, reached from ASan's allocator while it holds
# its lock, re-enters malloc and deadlocks; ASan then needs no clock.
suite tests-asan "$build/asan" AWSMFA_PRELOAD="$preload" \
    ASAN_OPTIONS=allocator_release_to_os_interval_ms=-1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fuzz
# distcheck runs the suite once more from the tarball: it proves that
# the tarball builds and tests from itself.  The two suites above ran
# every test from git, so here it runs the groups that need no service
# of their own (unit, pam, enroll, attack and the quick end-to-end
# ones), and leaves out self-service, sshd, sudo, the fault injections
# and the fleet's PostgreSQL tests: the whole check stays under 15
# minutes.
dist_tests=$(make -s -C "$build/gcc" print-tests | tr ' ' '\n' | grep -vE \
    '^tests/(self/|faults/|pg/|e2e/(sshd|sudo)\.py)' |
    xargs)
stage distcheck env AWSMFA_KILLS=60 AWSMFA_FAULT_SAMPLE=60 \
    make -C "$build/gcc" -j2 distcheck TESTS="$dist_tests"
# The Debian package from distcheck's tarball, lintian-clean; installed,
# used, removed and purged, and make install/uninstall onto the live
# system, each in a throwaway overlay of / that the machine never sees.
stage deb-lintian scripts/deb.sh "$build/deb" "$build"/gcc/pam_awsmfa-*.tar.gz
overlay_test deb-lifecycle deb_lifecycle.sh "$top" "$build"/deb/libpam-awsmfa_*_*.deb
overlay_test uninstall-live uninstall_live.sh "$top" "$build/gcc"
# README's fleet guide, its commands run as written on a fresh cluster.
overlay_test fleet-guide fleet_guide.sh "$top" "$build/gcc"

clean_build_collect

echo "Total time: $((SECONDS - t_start))s; logs in $logs"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
