#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Microseconds per pam_authenticate on the PostgreSQL store, connection
# included (the module connects for each login), over the Unix socket, TCP
# and TCP with TLS, and logins per second with 8 parallel clients; beside
# it the file store on the same machine, the floor (a new connection and
# SELECT 1, with pgbench -C) and, when pgbouncer is installed, the same
# logins through a pgbouncer in transaction mode on the login host's Unix
# socket (the deployment README.md describes), also with a process forked
# per login, which pays for loading the module, its plugin and libpq as
# sshd's process for a connection does.  A PostgreSQL server of its
# own is started in a temporary folder and stopped at the end.  Run as
# root from a build tree where make check has built tests/intree/:
#	bench/pg.sh [BUILDDIR]	(env: N logins per row, default 2000; BENCH_DIR,
#	default /var/tmp: where the cluster lives, /dev/shm to leave out the disk;
#	BEFORE=BUILDDIR: another build's module against this one, interleaved)
# The database's clock cannot be moved, so each "success" login is another
# enrolled user with the current code (N users per row); "refused" sends
# the code of ten periods later.  Every login is checked: a row whose
# logins did not all end as expected fails the run, and at the end the
# database must hold one attempt per login and one accepted step per
# accepted login: no decision lost or doubled.
# Results of this machine, before and after the flat login: bench/pg-results.md.
set -eu -o pipefail

BUILD=$(cd "${1:-.}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-2000}
BENCH="$BUILD/bench/bench"
# The in-tree module: it loads this build's plugin, not plugindir's.
MODULE="$BUILD/tests/intree/.libs/pam_awsmfa.so"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
HEX=48656c6c6f21deadbeef48656c6c6f21deadbeef
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$PGBIN/initdb" ] || { echo "bench: no PostgreSQL server" >&2; exit 1; }
[ -e "$MODULE" ] || { echo "bench: no $MODULE (make check builds it)" >&2; exit 1; }

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
# The bench's refused logins are one host's misses by the thousand: no
# lockout, and a budget (sql/hosts.sql) that they do not exhaust.
psql -d awsmfa -c 'CREATE ROLE bench LOGIN IN ROLE awsmfa_host' \
    -c 'UPDATE awsmfa.settings SET lockout_seconds = 0,
	host_failures_per_minute = 1000000'
# N users per row and kind, enrolled straight into the tables.
users=$((N * 10))
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
	printf 'store = "postgresql";\ndb_conninfo = "%s dbname=awsmfa user=%s";\n' \
	    "$2" "${3:-bench}" >"$D/$1.conf"
	chmod 0644 "$D/$1.conf"
	echo "auth required $MODULE conf=$D/$1.conf" >"$D/pam.d/$1"
}
conf socket "host=$P port=$PORT"
conf tcp "host=127.0.0.1 port=$PORT sslmode=disable"
conf tls "host=127.0.0.1 port=$PORT sslmode=require"
echo "auth required pam_deny.so" >"$D/pam.d/other"

# The file store beside it: one user, lockout off as above.
B32=$(python3 -c 'import base64, sys; print(base64.b32encode(bytes.fromhex(sys.argv[1])).decode())' "$HEX")
"$BENCH" populate "$D/store" 0 "$B32" bench-file >/dev/null
printf 'store_dir = "%s";\nlockout_seconds = 0;\n' "$D/store" >"$D/file.conf"
echo "auth required $MODULE conf=$D/file.conf" >"$D/pam.d/file"

# pgbouncer, when installed: on a Unix socket of its own that only root
# (peer) may use, in transaction mode, to the server over TCP as the
# host's role; the module connects to it as root.
PGB=
if command -v pgbouncer >/dev/null 2>&1; then
	PGB=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	mkdir -m 0700 "$P/pgb"
	cat >"$P/pgb/pgbouncer.ini" <<-EOF
	[databases]
	awsmfa = host=127.0.0.1 port=$PORT dbname=awsmfa user=bench
	[pgbouncer]
	listen_addr =
	listen_port = $PGB
	unix_socket_dir = $P/pgb
	unix_socket_mode = 0700
	auth_type = hba
	auth_hba_file = $P/pgb/hba.conf
	auth_file = $P/pgb/users.txt
	pool_mode = transaction
	default_pool_size = 8
	server_tls_sslmode = disable
	logfile = $P/pgb/log
	pidfile = $P/pgb/pid
	EOF
	echo 'local awsmfa root peer' >"$P/pgb/hba.conf"
	printf '"root" ""\n"bench" ""\n' >"$P/pgb/users.txt"
	chown -R postgres: "$P/pgb"
	runuser -u postgres -- pgbouncer -d -q "$P/pgb/pgbouncer.ini"
	trap 'kill "$(cat "$P/pgb/pid" 2>/dev/null)" 2>/dev/null; pgctl -m immediate -w stop >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$D"' EXIT
	conf pgbouncer "host=$P/pgb port=$PGB" root
fi

# A fresh failure-budget minute for the login roles (as `mfa-enroll hosts
# --release` starts one): each login counts the charged attempts of its
# host's minute, up to the budget, and the bench's budget of a million
# would otherwise have every row pay for the refused rows before it,
# thousands a minute, which no host within a real budget does.
fresh_budget() {
	psql -d awsmfa -c "INSERT INTO awsmfa.host_release (role, at)
	    SELECT rolname, clock_timestamp() FROM pg_roles WHERE rolcanlogin
		AND pg_has_role(oid, 'awsmfa_host', 'MEMBER')
	    ON CONFLICT (role) DO UPDATE SET at = excluded.at" >/dev/null
}
# run SERVICE FIRST COUNT MODE [pgfresh]: one bench process, its us/auth;
# pgfresh: a process forked for each login, which loads the module, its
# plugin and libpq as sshd's process for a connection does.
run() {
	fresh_budget
	LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$D/pam.d" \
	    "$BENCH" "${5:-pgauth}" "$1" u "$HEX" "$3" "$2" "$4" |
	    sed 's/ us\/auth.*//'
}
# par LABEL SERVICE FIRST: N logins by 8 clients at once, each its own
# users; the row with the logins per second.
par() {
	local c t0 t1 pids=()
	t0=$(date +%s%N)
	for c in $(seq 0 7); do
		run "$2" $(($3 + c * N / 8)) $((N / 8)) success >"$D/par.$c" &
		pids+=($!)
	done
	for c in "${pids[@]}"; do
		wait "$c" || { echo "bench: a parallel client failed" >&2; exit 1; }
	done
	t1=$(date +%s%N)
	printf '%-34s %16s\n' "$1" \
	    "$(( N / 8 * 8 * 1000000000 / (t1 - t0) )) logins/s"
}
# floor CONNINFO: us for a new connection and SELECT 1 (pgbench -C).
floor() {
	echo 'SELECT 1;' >"$D/select1.sql"
	PGSSLMODE=${2:-disable} pgbench -n -C -t "$N" -f "$D/select1.sql" \
	    "$1 dbname=awsmfa user=bench" 2>/dev/null |
	    awk '/latency average/ { printf "%.1f\n", $4 * 1000 }'
}

# BEFORE=BUILDDIR: instead of the rows, the difference between BUILDDIR's
# module and this one on the same cluster, which a run of each cannot
# show under a moving load: batches of N/16 accepted logins (new users
# each) alternating between the two, over TCP and through pgbouncer,
# with and without nullok; the median of each one's batches.
if [ -n "${BEFORE:-}" ]; then
	kinds="tcp tcp-nullok ${PGB:+pgbouncer pgbouncer-nullok}"
	for k in tcp ${PGB:+pgbouncer}; do
		sed 's/$/ nullok/' "$D/pam.d/$k" >"$D/pam.d/$k-nullok"
	done
	for k in $kinds; do
		sed "s|$MODULE|$BEFORE/tests/intree/.libs/pam_awsmfa.so|" \
		    "$D/pam.d/$k" >"$D/pam.d/$k-before"
	done
	first=0
	for _ in $(seq 16); do
		for k in $kinds; do
			for v in "$k-before" "$k"; do
				echo "$v $(run "$v" "$first" $((N / 16)) success)"
				first=$((first + N / 16))
			done
		done
	done >"$D/ab"
	# median SERVICE: of its batches' us/auth.
	median() {
		awk -v k="$1" '$1 == k { print $2 }' "$D/ab" | sort -n |
		    awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
	}
	printf '%-34s %16s %16s\n' "success us/auth, median" before after
	for k in $kinds; do
		printf '%-34s %16s %16s\n' "postgresql, $k" \
		    "$(median "$k-before")" "$(median "$k")"
	done
	exit 0
fi

echo "# $N logins per row; PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on this machine; $(nproc) CPUs"
printf '%-34s %16s %16s\n' store "success us/auth" "refused us/auth"
first=0 logins=0 accepted=0
for kind in socket tcp tls; do
	s=$(run "$kind" "$first" "$N" success)
	r=$(run "$kind" "$first" "$N" refused)
	printf '%-34s %16s %16s\n' "postgresql, $kind" "$s" "$r"
	first=$((first + N)) logins=$((logins + 2 * N)) accepted=$((accepted + N))
done
# 8 clients at once over TCP.
par "postgresql, tcp, 8 clients" tcp "$first"
first=$((first + N)) logins=$((logins + N / 8 * 8)) accepted=$((accepted + N / 8 * 8))
if [ -n "$PGB" ]; then
	s=$(run pgbouncer "$first" "$N" success)
	r=$(run pgbouncer "$first" "$N" refused)
	printf '%-34s %16s %16s\n' "postgresql, via pgbouncer" "$s" "$r"
	first=$((first + N)) logins=$((logins + 2 * N)) accepted=$((accepted + N))
	par "postgresql, via pgbouncer, 8 cl." pgbouncer "$first"
	first=$((first + N)) logins=$((logins + N / 8 * 8)) accepted=$((accepted + N / 8 * 8))
	# What sshd pays: its process for a connection loads the module,
	# the plugin and libpq for its one login.  The floor beside it is
	# the fork and pam_permit.so in the same harness.
	s=$(run pgbouncer "$first" "$N" success pgfresh)
	r=$(run pgbouncer "$first" "$N" refused pgfresh)
	printf '%-34s %16s %16s\n' "pgbouncer, a process per login" "$s" "$r"
	first=$((first + N)) logins=$((logins + 2 * N)) accepted=$((accepted + N))
	echo "auth required pam_permit.so" >"$D/pam.d/permit"
	printf '%-34s %16s\n' "floor: a process, pam_permit" \
	    "$(run permit 0 "$N" success pgfresh)"
fi
# nullok, README's common-auth line: the code lengths are read before
# the prompt, and the connection is closed while the prompt waits, so
# these logins connect twice.
for kind in tcp ${PGB:+pgbouncer}; do
	sed 's/$/ nullok/' "$D/pam.d/$kind" >"$D/pam.d/$kind-nullok"
	s=$(run "$kind-nullok" "$first" "$N" success)
	r=$(run "$kind-nullok" "$first" "$N" refused)
	printf '%-34s %16s %16s\n' "postgresql, $kind, nullok" "$s" "$r"
	first=$((first + N)) logins=$((logins + 2 * N)) accepted=$((accepted + N))
done
# The file store, one user: each iteration 30 s later on its clock.
fs() {
	LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$D/pam.d" \
	    "$BENCH" auth file bench-file "$HEX" "$N" "$1" | sed 's/ us\/auth.*//'
}
printf '%-34s %16s %16s\n' "file store" "$(fs success)" "$(fs refused)"
if command -v pgbench >/dev/null 2>&1; then
	printf '%-34s %16s\n' "floor: connect + SELECT 1, socket" "$(floor "host=$P port=$PORT")"
	printf '%-34s %16s\n' "floor: connect + SELECT 1, tcp" "$(floor "host=127.0.0.1 port=$PORT")"
	printf '%-34s %16s\n' "floor: connect + SELECT 1, tls" "$(floor "host=127.0.0.1 port=$PORT" require)"
fi

# No decision lost or doubled: one attempt per login, one saved step per
# accepted login, no user accepted twice.
read -r a ok steps twice < <(psql -d awsmfa -At -F' ' -c "
SELECT (SELECT count(*) FROM awsmfa.attempts),
    (SELECT count(*) FROM awsmfa.attempts WHERE result = 'ok'),
    (SELECT count(*) FROM awsmfa.devices WHERE last_step IS NOT NULL),
    (SELECT count(*) FROM (SELECT user_name FROM awsmfa.attempts
	WHERE result = 'ok' GROUP BY 1 HAVING count(*) > 1) x)")
if [ "$a" != "$logins" ] || [ "$ok" != "$accepted" ] ||
    [ "$steps" != "$accepted" ] || [ "$twice" != 0 ]; then
	echo "bench: $logins logins, $accepted accepted; the database holds $a attempts, $ok accepted, $steps saved steps, $twice users accepted twice" >&2
	exit 1
fi
echo "# the database holds $a attempts for $logins logins, $ok accepted and $steps saved steps for $accepted: none lost or doubled"
