#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The decision table of tests/unit/test_decision on the PostgreSQL store:
# the same scenarios, the same answers as the file store.  The server runs
# under libfaketime with a clock stopped at the moment written in a file,
# which the test rewrites before each call, so the database's clock is
# the one the file store is given.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v oathtool >/dev/null || skip_all "oathtool missing"
BIN="$AWSMFA_BUILDDIR/tests/unit/test_decision"
[ -x "$BIN" ] || skip_all "tests/unit/test_decision not built"
[ -r "$FAKETIME_LIB" ] || skip_all "libfaketime missing"

CLOCK=$SANDBOX/clock
echo 1800000000 >"$CLOCK"
chmod 0644 "$CLOCK"
# A stopped clock read from the file at each call (FAKETIME_NO_CACHE);
# the monotonic clock, which the server's timeouts and latches use, runs.
PG_ENV=(LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$CLOCK"
    FAKETIME_NO_CACHE=1 FAKETIME_FMT=%s FAKETIME_DONT_FAKE_MONOTONIC=1)
pg_start db || skip_all "could not start a PostgreSQL server"
db_init || { echo "Bail out! db-init failed"; exit 1; }
# A login role that is not awsmfa_host: every call is refused.
psql_as postgres -c 'CREATE ROLE norights LOGIN' >/dev/null ||
    { echo "Bail out! create role failed"; exit 1; }

AWSMFA_TEST_PG="host=$PG_DIR port=$PG_PORT dbname=awsmfa" \
    AWSMFA_TEST_PG_DOWN="host=127.0.0.1 port=$(free_port) dbname=awsmfa user=host_a" \
    AWSMFA_TEST_CLOCK="$CLOCK" "$BIN"
