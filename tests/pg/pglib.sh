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

# pg_start NAME: initdb and start a server in $SANDBOX/NAME; sets PGPORT_NAME
# style variables through PG_DIR and PG_PORT of the last one started.
pg_start() {
	local dir=$SANDBOX/$1 port
	port=$(free_port)
	mkdir -p "$dir"
	chown postgres: "$dir"
	runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust \
	    -U postgres >"$dir/initdb.log" 2>&1 || return 1
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
	    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start \
	    >/dev/null || { cat "$dir/log" >&2; return 1; }
	at_exit "runuser -u postgres -- '$PGBIN/pg_ctl' -D '$dir/data' -m immediate -w stop >/dev/null 2>&1"
	PG_DIR=$dir
	PG_PORT=$port
}

# psql_as ROLE [psql args...]: psql over the socket as ROLE, database awsmfa.
psql_as() {
	local role=$1
	shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U "$role" \
	    -d "${PGDATABASE_T:-awsmfa}" "$@"
}
