#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# lib/db_call against a real server and against peers that misbehave:
# every call ends by its deadline, a WARNING is never an answer, and an
# error is one line.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
DBCALL="$AWSMFA_BUILDDIR/tests/pg/dbcall"

pg_start db || skip_all "could not start a PostgreSQL server"
ci="host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres"

field() { sed -n "s/^$1: //p" <<<"$2"; }
# within MS OUTPUT: the call took no longer than MS milliseconds.
within() { [ "$(field elapsed_ms "$2")" -le "$1" ]; }

out=$("$DBCALL" "$ci" 5 'SELECT $1::int + 1, $2' 41 x)
is "a call: ok" ok "$(field status "$out")"
is "parameters are passed as text" "42|x" "$(field row "$out")"

out=$("$DBCALL" "$ci" 1 'SELECT pg_sleep(10)')
is "a slow statement: timeout" timeout "$(field status "$out")"
check "ended by the deadline (1 s, took $(field elapsed_ms "$out") ms)" \
    within 1500 "$out"

# A peer that listens and never speaks: the kernel completes the
# handshake, the start-up packet gets no answer.
mute_peer
port=$MUTE_PORT
out=$("$DBCALL" "host=127.0.0.1 port=$port user=x dbname=x" 2 'SELECT 1')
is "a server that never answers: timeout" timeout "$(field status "$out")"
check "ended by the deadline (2 s, took $(field elapsed_ms "$out") ms)" \
    within 2500 "$out"
is "and says so in one line" \
    "database: no answer within the time allowed" "$(field error "$out")"

out=$("$DBCALL" "host=127.0.0.1 port=$(free_port) user=x dbname=x" 5 'SELECT 1')
is "nobody listening: refused at once" refused "$(field status "$out")"
check "at once (took $(field elapsed_ms "$out") ms)" within 1000 "$out"
check "one line naming the refusal" grep -q '^error: database: .*refused' <<<"$out"

# What break-glass may take for "down", and what it may not.
out=$("$DBCALL" "host=/nonexistent port=5 user=x dbname=x" 5 'SELECT 1')
is "no socket file: refused" refused "$(field status "$out")"
out=$("$DBCALL" "host=127.0.0.1 port=$PG_PORT user=nosuchrole dbname=postgres" 5 'SELECT 1')
is "the server refuses the role (FATAL): failed, the server answered" failed \
    "$(field status "$out")"
out=$("$DBCALL" "host=127.0.0.1,127.0.0.1 port=$(free_port),$PG_PORT user=nosuchrole dbname=postgres" 5 'SELECT 1')
is "one address refused, the other said FATAL: failed" failed \
    "$(field status "$out")"

# Multi-host: a dead host first, then ours.
out=$("$DBCALL" "host=127.0.0.1,127.0.0.1 port=$(free_port),$PG_PORT user=postgres dbname=postgres target_session_attrs=read-write" 5 'SELECT 1')
is "multi-host conninfo skips a dead host" ok "$(field status "$out")"

out=$("$DBCALL" "$ci" 5 "DO \$\$BEGIN RAISE WARNING 'careful'; END\$\$")
is "a WARNING: the answer is not trusted" warned "$(field status "$out")"
out=$("$DBCALL" "$ci" 5 "DO \$\$BEGIN RAISE NOTICE 'fyi'; END\$\$")
is "a NOTICE is no reason to refuse" ok "$(field status "$out")"

out=$("$DBCALL" "$ci" 5 "SELECT 1/0")
is "an error: failed" failed "$(field status "$out")"
is "with the server's message in one line" "database: division by zero" \
    "$(field error "$out")"
out=$("$DBCALL" "$ci" 5 "SELECT 1; SELECT 2")
is "two statements in one call are refused by the server" failed \
    "$(field status "$out")"

# db_exec_bounded: the server's own bound, set in the call's pipeline and
# gone after it; the timer lasts a procedure's COMMITs, which still work.
out=$(DBCALL_BOUND_MS=5000 "$DBCALL" "$ci" 5 "SELECT
    current_setting('statement_timeout'), current_setting('lock_timeout')")
is "bounded: the statement runs under the bound" "ok 5s|5s" \
    "$(field status "$out") $(field row "$out")"
is "and the connection keeps none of it" 0 "$(field after "$out")"
out=$(DBCALL_BOUND_MS=500 "$DBCALL" "$ci" 5 'SELECT pg_sleep(3)')
is "bounded: a slow statement is stopped by the server" \
    "failed database: canceling statement due to statement timeout" \
    "$(field status "$out") $(field error "$out")"
check "at the bound (500 ms, took $(field elapsed_ms "$out") ms)" \
    within 1500 "$out"
is "the connection stays usable, without the bound" 0 "$(field after "$out")"
"$DBCALL" "$ci" 5 "CREATE TABLE t (x int)" >/dev/null
"$DBCALL" "$ci" 5 "CREATE PROCEDURE p() LANGUAGE plpgsql AS \$\$ BEGIN
    INSERT INTO t VALUES (1); COMMIT; PERFORM pg_sleep(3);
    INSERT INTO t VALUES (2); COMMIT; END \$\$" >/dev/null
out=$(DBCALL_BOUND_MS=500 "$DBCALL" "$ci" 5 'CALL p()')
is "bounded CALL: its COMMIT works, the timer outlasts it" \
    "failed database: canceling statement due to statement timeout" \
    "$(field status "$out") $(field error "$out")"
is "what was committed before the bound stays, nothing after" '{1}' \
    "$(field row "$("$DBCALL" "$ci" 5 'SELECT array_agg(x) FROM t')")"
out=$(DBCALL_BOUND_MS=5000 "$DBCALL" "$ci" 5 "DO \$\$BEGIN RAISE WARNING 'careful'; END\$\$")
is "bounded: a WARNING is not trusted either" warned "$(field status "$out")"
out=$(DBCALL_BOUND_MS=5000 "$DBCALL" "$ci" 5 "SELECT 1/0")
is "bounded: an error is failed, in one line" \
    "failed database: division by zero" \
    "$(field status "$out") $(field error "$out")"

done_testing
