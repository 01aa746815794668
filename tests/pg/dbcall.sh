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

done_testing
