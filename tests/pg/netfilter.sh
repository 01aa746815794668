#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# README's nftables rule for a login server, loaded as README prints it
# (addresses replaced) in a network namespace of the test's own: a local
# user who is not root cannot open a connection to the database port,
# over IPv4 or IPv6, so cannot hold PostgreSQL's slots until
# authentication_timeout; the pooler's user (postgres) and root can, and
# pgbouncer run as that user serves root's logins through the rule.
# The database runs in a second namespace at the far end of a veth pair.
. "$AWSMFA_SRCDIR/tests/pg/pglib.sh"
command -v ip >/dev/null || skip_all "ip (iproute2) missing"
command -v pgbouncer >/dev/null || skip_all "pgbouncer not installed"
command -v nft >/dev/null ||
    { echo "Bail out! nft missing (nftables, in scripts/deps.sh)"; exit 1; }

near=awsmfa-near-$$ far=awsmfa-far-$$
ip netns add "$near" || skip_all "cannot make a network namespace"
at_exit "ip netns del '$near'"
ip netns exec "$near" nft add table inet probe 2>/dev/null ||
    skip_all "the kernel has no nftables"
ip netns exec "$near" nft delete table inet probe
ip netns add "$far"
at_exit "ip netns del '$far'"
in_near() { ip netns exec "$near" "$@"; }
in_far() { ip netns exec "$far" "$@"; }
ip link add "awn$$" netns "$near" type veth peer name "awf$$" netns "$far"
in_near ip addr add 10.77.0.1/24 dev "awn$$"
in_near ip addr add fd77::1/64 dev "awn$$" nodad
in_far ip addr add 10.77.0.2/24 dev "awf$$"
in_far ip addr add fd77::2/64 dev "awf$$" nodad
for ns in "$near" "$far"; do
	ip -n "$ns" link set lo up
done
in_near ip link set "awn$$" up
in_far ip link set "awf$$" up

# The database server, on the far side at the usual port.
D=$SANDBOX/db
mkdir -p "$D"
chown postgres: "$D"
runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -A trust -U postgres \
    >"$D/initdb.log" 2>&1 || skip_all "initdb failed"
printf 'host all all 10.77.0.0/24 trust\nhost all all fd77::/64 trust\n' \
    >>"$D/data/pg_hba.conf"
in_far runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -l "$D/log" -w \
    -o "-p 5432 -k $D -c listen_addresses='10.77.0.2,fd77::2'" start \
    >/dev/null || { tail -n 20 "$D/log"; echo "Bail out! no server"; exit 1; }
at_exit "pg_ctl_as '$D' -m immediate -w stop >/dev/null 2>&1"
PG_DIR=$D PG_PORT=5432
# The schema does not matter here, the host's role does.
PGDATABASE_T=postgres psql_as postgres -c 'CREATE DATABASE awsmfa' \
    -c 'CREATE ROLE host_a LOGIN CONNECTION LIMIT 20' ||
    { echo "Bail out! no database"; exit 1; }

# probe USER ADDRESS: a TCP connection to the database port from the
# near side as USER: "open", "refused" or "timeout".
probe() {
	in_near runuser -u "$1" -- python3 -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], 5432), timeout=3).close()
    print("open")
except ConnectionRefusedError:
    print("refused")
except OSError:
    print("timeout")' "$2"
}
is "without the rule nobody reaches the database port" open \
    "$(probe nobody 10.77.0.2)"

sed -n '/^  ```nft$/,/^  ```$/p' "$AWSMFA_SRCDIR/README.md" | sed '1d;$d' |
    sed 's/^  //; s/10\.0\.0\.5, 10\.0\.0\.6/10.77.0.2/;
    s/2001:db8::5, 2001:db8::6/fd77::2/' >"$SANDBOX/awsmfa.nft"
check "README's rule names the test's servers" \
    grep -q '10.77.0.2' "$SANDBOX/awsmfa.nft"
check "README's rule loads" in_near nft -f "$SANDBOX/awsmfa.nft"
is "with it nobody is refused over IPv4" refused "$(probe nobody 10.77.0.2)"
is "  and over IPv6" refused "$(probe nobody fd77::2)"
is "the pooler's user gets through over IPv4" open \
    "$(probe postgres 10.77.0.2)"
is "  and over IPv6" open "$(probe postgres fd77::2)"
is "root gets through" open "$(probe root 10.77.0.2)"

# The pooler README recommends, as the pooler's user, on the near side.
B=$SANDBOX/pgb
mkdir -m 0700 "$B"
cat >"$B/pgbouncer.ini" <<INI
[databases]
awsmfa = host=10.77.0.2 port=5432 dbname=awsmfa user=host_a
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $B
unix_socket_mode = 0700
auth_type = hba
auth_hba_file = $B/hba.conf
auth_file = $B/users.txt
pool_mode = transaction
max_db_connections = 10
logfile = $B/log
pidfile = $B/pid
INI
echo 'local awsmfa root peer' >"$B/hba.conf"
printf '"root" ""\n' >"$B/users.txt"
chown -R postgres: "$B"
in_near runuser -u postgres -- pgbouncer -d -q "$B/pgbouncer.ini" ||
    { echo "Bail out! pgbouncer did not start"; exit 1; }
at_exit "kill \$(cat '$B/pid') 2>/dev/null"
is "root's logins reach the database through the pooler, as the host's role" \
    host_a "$(in_near psql -X -At -h "$B" -p 6432 -U root -d awsmfa \
    -c 'SELECT current_user' 2>&1)"
# From /: the test's folder may be one nobody cannot enter (a clone in
# root's home), and psql would say so instead of connecting.
err=$(cd / && in_near runuser -u nobody -- psql -X -At -h 10.77.0.2 \
    -p 5432 -U host_a -d awsmfa -c 'SELECT 1' 2>&1 | head -n 1)
check "nobody's psql to the database is refused ($err)" \
    grep -q 'Connection refused' <<<"$err"
done_testing
