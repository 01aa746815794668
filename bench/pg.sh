#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Microseconds per pam_authenticate on the PostgreSQL store, connection
# included (the module connects for each login), over the Unix socket, TCP
# and TCP with TLS, and logins per second with 8 parallel clients; beside
# it the file store on the same machine.  A PostgreSQL server of its own
# is started in a temporary folder and stopped at the end.  Run as root
# from a build tree:
#	bench/pg.sh [BUILDDIR]	(env: N logins per row, default 2000; BENCH_DIR,
#	default /var/tmp: where the cluster lives, /dev/shm to leave out the disk)
# The database's clock cannot be moved, so each "success" login is another
# enrolled user with the current code (N users per row); "refused" sends
# the code of ten periods later.  Every login is checked: a row whose
# logins did not all end as expected fails the run.
set -eu -o pipefail

BUILD=$(cd "${1:-.}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-2000}
BENCH="$BUILD/bench/bench"
MODULE="$BUILD/pam_module/.libs/pam_awsmfa.so"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
HEX=48656c6c6f21deadbeef48656c6c6f21deadbeef
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$PGBIN/initdb" ] || { echo "bench: no PostgreSQL server" >&2; exit 1; }

D=$(mktemp -d "${BENCH_DIR:-/var/tmp}/awsmfa-pgbench.XXXXXX")
chmod 0755 "$D"
# The cluster in a folder of the server's; the configs in root's.
P=$D/pg
mkdir "$P"
chown postgres: "$P"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pgctl() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$P/data" "$@"; }
trap 'pgctl -m immediate -w stop >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$D"' EXIT

runuser -u postgres -- "$PGBIN/initdb" -D "$P/data" -A trust -U postgres \
    >/dev/null
# A certificate for the TLS row (sslmode=require: the cost, not the trust).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$P/data/server.key" -out "$P/data/server.crt" 2>/dev/null
chown postgres: "$P/data/server.key" "$P/data/server.crt"
chmod 0600 "$P/data/server.key"
pgctl -l "$P/log" -w -o "-p $PORT -k $P -c listen_addresses=127.0.0.1 -c ssl=on -c max_connections=64 -c shared_preload_libraries=pgcrypto,plpgsql" start >/dev/null
psql() { command psql -X -q -v ON_ERROR_STOP=1 -h "$P" -p "$PORT" -U postgres "$@"; }
PGOPTIONS="-c client_min_messages=warning"
export PGOPTIONS
psql -d postgres -c 'CREATE DATABASE awsmfa'
openssl rand -hex 32 >"$P/db.key"
chown postgres: "$P/db.key"
chmod 0600 "$P/db.key"
psql -d awsmfa -v key_file="$P/db.key" -f "$SRC/sql/awsmfa.sql"
psql -d awsmfa -c 'CREATE ROLE bench LOGIN IN ROLE awsmfa_host' \
    -c 'UPDATE awsmfa.settings SET lockout_seconds = 0'
# N users per row and kind, enrolled straight into the tables.
users=$((N * 8))
psql -d awsmfa -c "
INSERT INTO awsmfa.users (name)
    SELECT 'u' || lpad(i::text, 6, '0') FROM generate_series(0, $users - 1) i;
INSERT INTO awsmfa.devices (user_name, name, alg, digits, period, secret,
    active, created, enabled)
    SELECT 'u' || lpad(i::text, 6, '0'), 'phone', 'sha1', 6, 30,
	awsmfa.seal(decode('$HEX', 'hex')), true, 0, 0
    FROM generate_series(0, $users - 1) i;"

mkdir -p "$D/pam.d"
conf() {
	printf 'store = "postgresql";\ndb_conninfo = "%s dbname=awsmfa user=bench";\n' \
	    "$2" >"$D/$1.conf"
	chmod 0644 "$D/$1.conf"
	echo "auth required $MODULE conf=$D/$1.conf" >"$D/pam.d/$1"
}
conf socket "host=$P port=$PORT"
conf tcp "host=127.0.0.1 port=$PORT sslmode=disable"
conf tls "host=127.0.0.1 port=$PORT sslmode=require"
echo "auth required pam_deny.so" >"$D/pam.d/other"

# run SERVICE FIRST COUNT MODE: one bench process, its us/auth.
run() {
	LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$D/pam.d" \
	    "$BENCH" pgauth "$1" u "$HEX" "$3" "$2" "$4" | sed 's/ us\/auth.*//'
}

echo "# $N logins per row; PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on this machine; $(nproc) CPUs"
printf '%-30s %16s %16s\n' store "success us/auth" "refused us/auth"
first=0
for kind in socket tcp tls; do
	s=$(run "$kind" "$first" "$N" success)
	r=$(run "$kind" "$first" "$N" refused)
	printf '%-30s %16s %16s\n' "postgresql, $kind" "$s" "$r"
	first=$((first + N))
done
# 8 clients at once over TCP, each its own users.
t0=$(date +%s%N)
for c in $(seq 0 7); do
	run tcp $((first + c * N / 8)) $((N / 8)) success >"$D/par.$c" &
done
for c in $(seq 0 7); do
	wait -n || { echo "bench: a parallel client failed" >&2; exit 1; }
done
t1=$(date +%s%N)
printf '%-30s %16s\n' "postgresql, tcp, 8 clients" \
    "$(( N * 1000000000 / (t1 - t0) )) logins/s"
