# SPDX-License-Identifier: BSD-2-Clause
# Shared by tests/pg/*.sh: a throwaway PostgreSQL server of the test's own
# (initdb in the sandbox, a free port on 127.0.0.1 and a socket in the
# sandbox), stopped on exit; never the machine's cluster.
# shellcheck shell=bash

. "$AWSMFA_SRCDIR/tests/lib.sh"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || skip_all "PostgreSQL server not installed"
id postgres >/dev/null 2>&1 || skip_all "no postgres user"

# free_port: a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# mute_peer: a TCP port on 127.0.0.1 that listens and never speaks (the
# kernel completes the handshake, the start-up packet gets no answer);
# its number in MUTE_PORT, the listener stopped on exit.
mute_peer() {
	MUTE_PORT=$(free_port)
	python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
print("ready", flush=True)
time.sleep(120)' "$MUTE_PORT" >"$SANDBOX/mute.out" &
	at_exit "kill $! 2>/dev/null"
	for _ in $(seq 50); do
		grep -q ready "$SANDBOX/mute.out" && return 0
		sleep 0.1
	done
	return 1
}

# pg_ctl_as DIR ARGS...: pg_ctl on the cluster in DIR/data as postgres,
# with the variables in the array PG_ENV (NAME=VALUE) in its environment
# and so in the server's.
PG_ENV=()
pg_ctl_as() {
	local dir=$1
	shift
	runuser -u postgres -- env "${PG_ENV[@]}" "$PGBIN/pg_ctl" \
	    -D "$dir/data" "$@"
}

# pg_run DIR PORT: starts the cluster in DIR/data on PORT (127.0.0.1 and a
# socket in DIR) and stops it on exit; PG_DIR and PG_PORT name it.
pg_run() {
	local dir=$1 port=$2
	pg_ctl_as "$dir" -l "$dir/log" -w \
	    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start \
	    >/dev/null || { tail -n 20 "$dir/log" >&2; return 1; }
	at_exit "pg_ctl_as '$dir' -m immediate -w stop >/dev/null 2>&1"
	PG_DIR=$dir
	PG_PORT=$port
}

# pg_start NAME: a new cluster in $SANDBOX/NAME, started on a free port.
pg_start() {
	local dir=$SANDBOX/$1
	mkdir -p "$dir"
	chown postgres: "$dir"
	runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust \
	    -U postgres >"$dir/initdb.log" 2>&1 || return 1
	pg_run "$dir" "$(free_port)"
}

# db_init: the database awsmfa with sql/awsmfa.sql run under a new key in
# $SANDBOX/db.key, and login roles host_a, host_b (awsmfa_host, with the
# CONNECTION LIMIT README's roles have) and admin1 (awsmfa_admin).
db_init() {
	PGDATABASE_T=postgres psql_as postgres -c 'CREATE DATABASE awsmfa' &&
	    openssl rand -hex 32 >"$SANDBOX/db.key" &&
	    chown postgres: "$SANDBOX/db.key" &&
	    chmod 0600 "$SANDBOX/db.key" &&
	    psql_as postgres -v key_file="$SANDBOX/db.key" \
		-f "$AWSMFA_SRCDIR/sql/awsmfa.sql" &&
	    psql_as postgres \
		-c 'CREATE ROLE host_a LOGIN IN ROLE awsmfa_host CONNECTION LIMIT 20' \
		-c 'CREATE ROLE host_b LOGIN IN ROLE awsmfa_host CONNECTION LIMIT 20' \
		-c 'CREATE ROLE admin1 LOGIN IN ROLE awsmfa_admin'
}

# sql ROLE [psql args...]: unaligned, tuples only.
sql() { psql_as "$@" -At; }

# enrol USER: a device "phone" created and enabled by admin1 now; prints
# its secret in hex.
enrol() {
	local secret now
	secret=$(sql admin1 -c "SELECT encode(awsmfa.create_device('$1', 'phone', 'sha1', 6, 30), 'hex')") || return 1
	now=$(date +%s)
	sql admin1 -c "SELECT awsmfa.enable_device('$1', 'phone', '$(oathtool --totp -N "@$((now - 30))" "$secret")', '$(oathtool --totp -N "@$now" "$secret")')" >/dev/null || return 1
	echo "$secret"
}

# login ROLE USER CODE: "result reason failures" of one CALL awsmfa.login
# as ROLE; the host is told no failure count, so it is read as postgres
# after the call (empty for a user without a record).
login() {
	local result device reason
	IFS='|' read -r result device reason < <(sql "$1" -c "CALL
	    awsmfa.login(convert_to('$2', 'UTF8'), convert_to('$3', 'UTF8'),
	    30000, NULL, NULL, NULL)") || return 1
	: "$device"
	echo "$result $reason $(sql postgres -c "SELECT failures FROM
	    awsmfa.users WHERE name = '$2'")"
}

# psql_as ROLE [psql args...]: psql over the socket as ROLE, database awsmfa.
psql_as() {
	local role=$1
	shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U "$role" \
	    -d "${PGDATABASE_T:-awsmfa}" "$@"
}
