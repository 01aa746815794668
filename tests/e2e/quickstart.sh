#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/quickstart.sh says which step failed and why: apt-get and
# autoreconf are replaced by failing stand-ins on PATH, in a copy of the
# scripts (the source tree may be read-only, as under distcheck).
. "$AWSMFA_SRCDIR/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "quickstart.sh needs root"

mkdir -p "$SANDBOX/tree" "$SANDBOX/bin"
cp -R "$AWSMFA_SRCDIR/scripts" "$SANDBOX/tree/"
stub() { printf '#!/bin/sh\n%s\n' "$2" >"$SANDBOX/bin/$1"; chmod +x "$SANDBOX/bin/$1"; }
quickstart() {
	PATH="$SANDBOX/bin:$PATH" bash "$SANDBOX/tree/scripts/quickstart.sh" \
	    </dev/null 2>&1
}

# Every package looks missing, and the mirror cannot be reached.
stub dpkg-query 'exit 1'
stub apt-get 'echo "E: Failed to fetch http://deb.debian.org/ (stand-in)" >&2; exit 100'
out=$(quickstart)
is "apt-get failing: exit 1" 1 $?
check "says apt-get failed" \
    grep -q '^quickstart: apt-get (installing the build dependencies) failed' <<<"$out"
check "shows apt-get's own message" grep -q 'E: Failed to fetch' <<<"$out"
check "says what to do" grep -q 'check the network' <<<"$out"
check "builds nothing then" bash -c '! grep -q "== Building" <<<"$1"' _ "$out"

rm "$SANDBOX/bin/dpkg-query" "$SANDBOX/bin/apt-get"
stub dpkg-query 'echo "install ok installed"'
stub autoreconf 'echo "autoreconf: stand-in failure" >&2; exit 1'
out=$(quickstart)
is "autoreconf failing: exit 1" 1 $?
check "says autoreconf failed" grep -q '^quickstart: autoreconf failed' <<<"$out"
check "shows autoreconf's message" grep -q 'stand-in failure' <<<"$out"
check "runs autoreconf once" \
    test "$(grep -c 'stand-in failure' <<<"$out")" -eq 1
done_testing
